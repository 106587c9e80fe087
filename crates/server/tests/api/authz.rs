//! Every endpoint against every kind of caller: anonymous, a stranger, a workspace member
//! outside the channel, a channel member and an admin. What a caller may not know exists is 404.

use reqwest::Method;

use crate::both;
use crate::common::Backend;
use crate::fixture::Fixture;
use crate::routes::{PERSONAS, ROUTES};

async fn every_endpoint_against_every_caller(backend: Backend) {
    let fx = Fixture::new(backend).await;
    let mut failures = Vec::new();
    for route in ROUTES {
        let (method, _) = route.route.split_once(' ').unwrap();
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        for (persona, client) in fx.personas.iter().enumerate() {
            let path = fx.fill(route.path).await;
            let body = match route.body {
                Some(template) => Some(serde_json::from_str(&fx.fill(template).await).unwrap()),
                None => None,
            };
            let (status, answer) = client.call(method.clone(), &path, body).await;
            if status.as_u16() != route.expect[persona] {
                failures.push(format!(
                    "{} as {}: {status} (expected {}) {answer}",
                    route.route, PERSONAS[persona], route.expect[persona]
                ));
            }
            if status.is_client_error() && !answer["error"]["code"].is_string() {
                failures.push(format!(
                    "{} as {}: {status} without the error envelope: {answer}",
                    route.route, PERSONAS[persona]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} authorization failures:\n{}", failures.len(), failures.join("\n"));
}
both!(every_endpoint_against_every_caller);
