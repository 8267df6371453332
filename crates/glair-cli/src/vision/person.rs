//! The personal data of `glair identity …`: from a JSON file or standard input (`--input`,
//! preferred), or from options (`--nik`, `--name`, …), which any user of the machine can read
//! in `ps` and which stay in the shell's history.
//!
//! The JSON is one object whose keys are GLAIR's field names (`nik`, `name`, `date_of_birth`,
//! `no_kk`, …) and whose values are strings. Nothing read is ever echoed: errors name the
//! source, the key and the problem, never a value.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Args;
use glair::IdentityField;
use serde_json::Value;

use crate::run::Failure;

/// The most `--input` may hold. The 16 fields of a KTP fit in a few hundred bytes; the bound
/// keeps a wrong file (or endless standard input) from being read whole.
pub(crate) const MAX_INPUT_BYTES: u64 = 64 * 1024;

/// The help's advice, shared by both identity commands.
pub(crate) const PREFER_INPUT: &str = "Personal data: prefer --input FILE (or --input - to read \
standard input), a JSON object with GLAIR's field names, e.g. {\"nik\": \"3171234567890123\", \
\"name\": \"BUDI SANTOSO\", \"date_of_birth\": \"17-08-1990\"}. Values given as options (--nik, \
--name, …) can be read by any user of the machine in `ps` and stay in the shell's history.";

/// The three fields every identity call carries, as options or from `--input`. Personal
/// data: `Debug` shows none of it.
#[derive(Args)]
pub(crate) struct PersonArgs {
    /// Read the personal data from this JSON file, or from standard input with `-`
    /// (preferred over the options below: see the end of this help)
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["nik", "name", "date_of_birth"]
    )]
    input: Option<PathBuf>,
    /// The NIK, the 16-digit national identity number
    #[arg(long, value_name = "NIK", required_unless_present = "input")]
    nik: Option<String>,
    /// The name as on the KTP
    #[arg(long, value_name = "NAME", required_unless_present = "input")]
    name: Option<String>,
    /// The date of birth, DD-MM-YYYY (e.g. 17-08-1990)
    #[arg(long, value_name = "DD-MM-YYYY", required_unless_present = "input")]
    date_of_birth: Option<String>,
}

impl fmt::Debug for PersonArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonArgs { <redacted> }")
    }
}

/// The personal data to send, wherever it came from.
pub(crate) struct Person {
    pub(crate) nik: String,
    pub(crate) name: String,
    pub(crate) date_of_birth: String,
    /// The optional fields given, in [`IdentityField::ALL`] order.
    pub(crate) optional: Vec<(IdentityField, String)>,
}

impl fmt::Debug for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Person { <redacted> }")
    }
}

impl PersonArgs {
    /// The personal data: from `--input` when given (clap refuses it together with any data
    /// option), else from the options, with the optional fields given as options.
    /// `optional_allowed` says whether the command sends optional fields at all.
    pub(crate) fn resolve(
        self,
        optional_options: Vec<(IdentityField, String)>,
        optional_allowed: bool,
    ) -> Result<Person, Failure> {
        match self.input {
            Some(path) => {
                let (source, bytes) = read_input(&path)?;
                parse_person(&source, &bytes, optional_allowed)
            }
            None => match (self.nik, self.name, self.date_of_birth) {
                (Some(nik), Some(name), Some(date_of_birth)) => Ok(Person {
                    nik,
                    name,
                    date_of_birth,
                    optional: optional_options,
                }),
                // clap requires all three without --input; this is only a second guard.
                _ => Err(Failure::usage(
                    "give --nik, --name and --date-of-birth, or --input FILE",
                )),
            },
        }
    }
}

/// Reads `--input`: the file, or standard input for `-`; at most [`MAX_INPUT_BYTES`].
/// Returns how to name the source in errors, and the bytes.
fn read_input(path: &Path) -> Result<(String, Vec<u8>), Failure> {
    if path == Path::new("-") {
        let source = "--input - (standard input)".to_owned();
        let bytes = read_bounded(std::io::stdin().lock(), &source)?;
        return Ok((source, bytes));
    }
    let source = format!("--input {}", path.display());
    let file = std::fs::File::open(path)
        .map_err(|e| Failure::usage(format!("{source}: cannot open: {e}")))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(Failure::usage(format!(
            "{source}: is a directory, not a JSON file"
        )));
    }
    let bytes = read_bounded(file, &source)?;
    Ok((source, bytes))
}

fn read_bounded(reader: impl Read, source: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::usage(format!("{source}: cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Failure::usage(format!(
            "{source}: larger than {} KiB; expected one small JSON object",
            MAX_INPUT_BYTES / 1024
        )));
    }
    Ok(bytes)
}

/// Parses the JSON object of `--input`. Errors never quote a value.
fn parse_person(source: &str, bytes: &[u8], optional_allowed: bool) -> Result<Person, Failure> {
    let expected = "a JSON object of strings, e.g. {\"nik\": \"…\", \"name\": \"…\", \
                    \"date_of_birth\": \"DD-MM-YYYY\"}";
    // Parsed as a `Value` first: serde_json's syntax errors say where, never what; its type
    // errors would quote the value.
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        Failure::usage(format!(
            "{source}: not valid JSON (line {}, column {}); expected {expected}",
            e.line(),
            e.column()
        ))
    })?;
    let Value::Object(object) = value else {
        return Err(Failure::usage(format!(
            "{source}: not a JSON object; expected {expected}"
        )));
    };
    let mut fields: Vec<(IdentityField, String)> = Vec::new();
    for (key, value) in object {
        let Some(field) = IdentityField::ALL
            .into_iter()
            .find(|f| f.wire_name() == key)
        else {
            let known: Vec<&str> = IdentityField::ALL
                .iter()
                .filter(|f| optional_allowed || f.is_required())
                .map(|f| f.wire_name())
                .collect();
            return Err(Failure::usage(format!(
                "{source}: unknown field {:?}; the fields are {}",
                crate::run::one_line(&key),
                known.join(", ")
            )));
        };
        if !optional_allowed && !field.is_required() {
            return Err(Failure::usage(format!(
                "{source}: field \"{field}\" is not sent by this command (it takes nik, name \
                 and date_of_birth)"
            )));
        }
        let Value::String(text) = value else {
            return Err(Failure::usage(format!(
                "{source}: field \"{field}\" must be a string"
            )));
        };
        fields.push((field, text));
    }
    fields.sort_by_key(|(field, _)| *field);
    let mut take = |wanted: IdentityField| {
        fields
            .iter()
            .position(|(field, _)| *field == wanted)
            .map(|at| fields.remove(at).1)
            .ok_or_else(|| Failure::usage(format!("{source}: field \"{wanted}\" is missing")))
    };
    let nik = take(IdentityField::Nik)?;
    let name = take(IdentityField::Name)?;
    let date_of_birth = take(IdentityField::DateOfBirth)?;
    Ok(Person {
        nik,
        name,
        date_of_birth,
        optional: fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET_NIK: &str = "3171234567890123";

    fn parse(json: &str, optional_allowed: bool) -> Result<Person, String> {
        parse_person("--input p.json", json.as_bytes(), optional_allowed).map_err(|f| {
            assert_eq!(f.exit, crate::run::EXIT_USAGE);
            f.message
        })
    }

    #[test]
    fn reads_the_three_fields_and_the_optional_ones_in_order() {
        let p = parse(
            r#"{"rw": "02", "nik": "3171234567890123", "name": "BUDI", "date_of_birth": "17-08-1990", "no_kk": "1"}"#,
            true,
        )
        .unwrap();
        assert_eq!(
            (p.nik.as_str(), p.name.as_str(), p.date_of_birth.as_str()),
            (SECRET_NIK, "BUDI", "17-08-1990")
        );
        assert_eq!(
            p.optional,
            vec![
                (IdentityField::NoKk, "1".to_owned()),
                (IdentityField::Rw, "02".to_owned())
            ]
        );
        assert!(!format!("{p:?}").contains(SECRET_NIK));
    }

    #[test]
    fn refusals_name_the_problem_and_never_a_value() {
        for (json, optional_allowed, expected) in [
            ("{\"nik\": ", true, "not valid JSON (line 1, column 8)"),
            ("[\"3171234567890123\"]", true, "not a JSON object"),
            ("\"3171234567890123\"", true, "not a JSON object"),
            (
                r#"{"nik": 3171234567890123, "name": "B", "date_of_birth": "1"}"#,
                true,
                "field \"nik\" must be a string",
            ),
            (
                r#"{"name": "B", "date_of_birth": "1", "x": "3171234567890123"}"#,
                true,
                "unknown field \"x\"",
            ),
            (
                r#"{"name": "3171234567890123", "date_of_birth": "1"}"#,
                true,
                "field \"nik\" is missing",
            ),
            (
                r#"{"nik": "3171234567890123", "name": "B", "date_of_birth": "1", "no_kk": "3171234567890123"}"#,
                false,
                "field \"no_kk\" is not sent by this command",
            ),
        ] {
            let message = parse(json, optional_allowed).unwrap_err();
            assert!(message.contains(expected), "{json}: {message}");
            assert!(message.starts_with("--input p.json: "), "{message}");
            assert!(!message.contains(SECRET_NIK), "{message}");
        }
    }

    #[test]
    fn input_is_bounded() {
        let big = vec![b' '; usize::try_from(MAX_INPUT_BYTES).unwrap() + 1];
        let message = read_bounded(&big[..], "--input -").unwrap_err().message;
        assert!(message.contains("larger than 64 KiB"), "{message}");
        let fits = vec![b' '; usize::try_from(MAX_INPUT_BYTES).unwrap()];
        assert_eq!(
            read_bounded(&fits[..], "--input -").unwrap().len(),
            fits.len()
        );
    }
}
