//! The optional TOML configuration file (`--config FILE`, or `OCOMMS_CONFIG`): the same keys as
//! the long flags of `ocomms serve --help` and the options every subcommand shares, written with
//! `_` or `-` (`public_url = "https://chat.example.com"`). A value from the file becomes the
//! option's default, so a flag or an environment variable still wins over it, and the built-in
//! default is what is left: flag > environment > file > default.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// Options that are not settings: they name the file, or end the program.
const NOT_KEYS: [&str; 3] = ["config", "help", "version"];

/// The settings a file gave, by option id (the flag's long name with `_`).
#[derive(Debug, Default)]
pub struct FileValues {
    pub path: Option<PathBuf>,
    pub values: BTreeMap<String, String>,
}

/// The keys a file may set: every option of `command` but the ones that are not settings.
pub fn keys(command: &clap::Command) -> Vec<String> {
    command
        .get_arguments()
        .filter(|a| !a.is_positional())
        .map(|a| a.get_id().to_string())
        .filter(|id| !NOT_KEYS.contains(&id.as_str()))
        .collect()
}

/// Reads and checks `path`: a TOML table of known keys to strings, numbers, booleans or lists.
pub fn read(path: &Path, known: &[String]) -> anyhow::Result<FileValues> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the config file {}", path.display()))?;
    let table: toml::Table =
        text.parse().with_context(|| format!("the config file {} is not valid TOML", path.display()))?;
    let mut values = BTreeMap::new();
    for (key, value) in table {
        let id = key.replace('-', "_");
        if !known.contains(&id) {
            bail!(
                "{}: unknown key `{key}` (the keys are the long options of `ocomms serve --help`, \
                 e.g. listen, public_url, database_url)",
                path.display()
            );
        }
        let text = scalar(&value)
            .or_else(|| match &value {
                toml::Value::Array(items) => {
                    items.iter().map(scalar).collect::<Option<Vec<_>>>().map(|v| v.join(","))
                }
                _ => None,
            })
            .with_context(|| {
                format!(
                    "{}: `{key}` must be a string, a number, true/false or a list of them",
                    path.display()
                )
            })?;
        if values.insert(id, text).is_some() {
            bail!("{}: `{key}` is given twice (once with `_`, once with `-`)", path.display());
        }
    }
    Ok(FileValues { path: Some(path.to_path_buf()), values })
}

fn scalar(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `command` with the file's values as its options' defaults, in every subcommand that has them.
pub fn with_defaults(mut command: clap::Command, file: &FileValues) -> clap::Command {
    for (id, value) in &file.values {
        if command.get_arguments().any(|a| a.get_id() == id.as_str()) {
            // A secret from the file must not show in `--help` as the option's default.
            let secret = super::check::SECRETS.contains(&id.as_str());
            command = command
                .mut_arg(id.as_str(), |arg| arg.default_value(value.clone()).hide_default_value(secret));
        }
    }
    let subcommands: Vec<String> = command.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in subcommands {
        command = command.mut_subcommand(name, |sub| with_defaults(sub, file));
    }
    command
}
