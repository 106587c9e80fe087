//! Renders each of the Markdown renderer's worst cases and prints how long it took and how large
//! the HTML is: `cargo run --release --example render_worst` (figures in docs/benchmarks.md).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use ocomms::domain::markdown::{Markdown, worst_cases};

fn main() {
    let markdown = Markdown::new();
    let mentions = HashMap::from([("ana".to_string(), "u1".to_string())]);
    println!("{:<26} {:>9} {:>11} {:>10}", "case", "input B", "output B", "median ms");
    let mut worst = Duration::ZERO;
    for (name, input) in worst_cases() {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..7 {
            let started = Instant::now();
            size = markdown.render(&input, &mentions).len();
            times.push(started.elapsed());
        }
        times.sort();
        let median = times[times.len() / 2];
        worst = worst.max(median);
        println!("{name:<26} {:>9} {size:>11} {:>10.2}", input.len(), median.as_secs_f64() * 1000.0);
    }
    println!("slowest median: {:.2} ms", worst.as_secs_f64() * 1000.0);
}
