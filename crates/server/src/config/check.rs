//! `ocomms config check`: the effective configuration, secrets masked, each value with where it
//! came from, then what is wrong with it (exit status 1) or `ok`.

use std::fmt::Write as _;

use clap::parser::ValueSource;

use super::{Config, Loaded, file};

/// Options whose value is a secret: shown as `****`, or for a URL with its password masked.
pub const SECRETS: [&str; 4] = ["database_url", "redis_url", "s3_access_key_id", "s3_secret_access_key"];

/// The report and the exit status.
pub fn report(loaded: &Loaded, config: &Config) -> (String, i32) {
    let mut out = String::new();
    let source = loaded.file.path.as_ref().map_or("none".to_string(), |p| p.display().to_string());
    let _ = writeln!(out, "# effective configuration (config file: {source}); a flag beats the environment,");
    let _ = writeln!(out, "# which beats the file, which beats the default");
    // Global options are propagated to the subcommand's matches: read everything from the leaf.
    let mut matches = &loaded.matches;
    while let Some((_, sub)) = matches.subcommand() {
        matches = sub;
    }
    for key in file::keys(&<super::Cli as clap::CommandFactory>::command()) {
        let Ok(raw) = matches.try_get_raw(&key) else { continue };
        let value = raw.map(|values| {
            let joined: Vec<String> = values.map(|v| v.to_string_lossy().into_owned()).collect();
            joined.join(",")
        });
        let from = match matches.value_source(&key) {
            Some(ValueSource::CommandLine) => "flag",
            Some(ValueSource::EnvVariable) => "environment",
            Some(ValueSource::DefaultValue) if loaded.file.values.contains_key(&key) => "file",
            Some(_) => "default",
            None => "not set",
        };
        match value {
            Some(value) => {
                let shown = if SECRETS.contains(&key.as_str()) { mask(&value) } else { value };
                // Numbers bare, as one would write them in the file.
                let written = match shown.parse::<i64>() {
                    Ok(n) => n.to_string(),
                    Err(_) => toml::Value::String(shown).to_string(),
                };
                let _ = writeln!(out, "{key} = {written}  # {from}");
            }
            None => {
                let _ = writeln!(out, "# {key} is not set");
            }
        }
    }
    let problems = config.problems();
    for problem in &problems {
        let _ = writeln!(out, "problem: {problem}");
    }
    if problems.is_empty() {
        out.push_str("ok\n");
        (out, 0)
    } else {
        (out, 1)
    }
}

/// A URL keeps its scheme, host and path with the password and every query value masked
/// (`?password=…` works too); anything else is `****`.
fn mask(value: &str) -> String {
    match url::Url::parse(value) {
        Ok(mut url) if url.has_host() => {
            if url.password().is_some() {
                let _ = url.set_password(Some("****"));
            }
            let keys: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
            if !keys.is_empty() {
                url.query_pairs_mut().clear().extend_pairs(keys.iter().map(|k| (k.as_str(), "****")));
            }
            url.to_string()
        }
        _ => "****".to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_are_masked() {
        assert_eq!(
            super::mask("postgres://ocomms:s3cret@db:5432/ocomms"),
            "postgres://ocomms:****@db:5432/ocomms"
        );
        assert_eq!(super::mask("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
        assert_eq!(super::mask("AKIAEXAMPLE"), "****");
        assert_eq!(
            super::mask("postgres://u@db/x?password=hunter2&sslmode=disable"),
            "postgres://u@db/x?password=****&sslmode=****"
        );
    }
}
