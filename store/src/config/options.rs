//! The explicit options that go with a URL: each scheme names the keys it takes and their
//! kinds, and every value is checked before a backend is built.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::secret::Secret;

/// What a key takes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    Flag,
    Secret,
}

/// The options of one URL, checked against its scheme's keys. Credentials become [`Secret`]s
/// as they come in, so no later error or `Debug` can show them.
pub(crate) struct Options {
    text: BTreeMap<&'static str, String>,
    secrets: BTreeMap<&'static str, Secret>,
}

impl Options {
    /// Checks every key of `given` against `keys`; an unknown key is `InvalidArgument` naming
    /// it and the closest known one, a malformed flag `InvalidArgument` naming the key.
    pub(crate) fn parse<K: AsRef<str>, V: Into<String>>(
        scheme: &'static str,
        keys: &[(&'static str, Kind)],
        given: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Options> {
        let mut options = Options {
            text: BTreeMap::new(),
            secrets: BTreeMap::new(),
        };
        for (key, value) in given {
            let key = key.as_ref();
            let value: String = value.into();
            let Some(&(name, kind)) = keys.iter().find(|(k, _)| *k == key) else {
                return Err(unknown(scheme, key, keys));
            };
            match kind {
                Kind::Secret => {
                    options.secrets.insert(name, Secret::new(value));
                }
                Kind::Flag if !matches!(value.as_str(), "true" | "false") => {
                    return Err(Error::invalid_argument(format!(
                        "{scheme} option `{name}` takes true or false"
                    )));
                }
                Kind::Flag | Kind::Text => {
                    options.text.insert(name, value);
                }
            }
        }
        Ok(options)
    }

    /// A text option.
    pub(crate) fn text(&self, key: &str) -> Option<&str> {
        self.text.get(key).map(String::as_str)
    }

    /// A flag option; `false` when absent.
    pub(crate) fn flag(&self, key: &str) -> bool {
        self.text(key) == Some("true")
    }

    /// A credential option.
    #[cfg_attr(
        not(any(feature = "s3", feature = "azure", feature = "sftp")),
        allow(dead_code)
    )]
    pub(crate) fn secret(&self, key: &str) -> Option<Secret> {
        self.secrets.get(key).cloned()
    }
}

/// `; did you mean `x`?` for the name among `names` closest to `written`, if one is close; a
/// swap of two letters (`stfp`) counts as one edit.
pub(crate) fn did_you_mean<'n>(written: &str, names: impl IntoIterator<Item = &'n str>) -> String {
    let closest = names
        .into_iter()
        .map(|n| (strsim::osa_distance(written, n), n))
        .filter(|(d, _)| *d <= 3)
        .min();
    match closest {
        Some((_, n)) => format!("; did you mean `{n}`?"),
        None => String::new(),
    }
}

fn unknown(scheme: &str, key: &str, keys: &[(&'static str, Kind)]) -> Error {
    let names: Vec<&str> = keys.iter().map(|(k, _)| *k).collect();
    let hint = did_you_mean(key, names.iter().copied());
    Error::invalid_argument(format!(
        "unknown {scheme} option `{key}`{hint} (known: {})",
        names.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    const KEYS: &[(&str, Kind)] = &[
        ("region", Kind::Text),
        ("allow_http", Kind::Flag),
        ("secret_access_key", Kind::Secret),
    ];

    #[test]
    fn keys_are_checked_and_secrets_kept_apart() {
        let o = Options::parse(
            "s3",
            KEYS,
            [
                ("region", "eu"),
                ("allow_http", "true"),
                ("secret_access_key", "shh"),
            ],
        )
        .unwrap();
        assert_eq!(o.text("region"), Some("eu"));
        assert!(o.flag("allow_http"));
        assert_eq!(o.secret("secret_access_key").unwrap().expose(), "shh");
        assert_eq!(o.text("secret_access_key"), None);

        let err = Options::parse("s3", KEYS, [("regoin", "eu")])
            .err()
            .unwrap();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(
            err.to_string().contains("`regoin`; did you mean `region`?"),
            "{err}"
        );
        let err = Options::parse("s3", KEYS, [("allow_http", "yes")])
            .err()
            .unwrap();
        assert!(err.to_string().contains("true or false"), "{err}");
        let err = Options::parse("s3", KEYS, [("secret_acces_key", "shh")])
            .err()
            .unwrap();
        assert!(!err.to_string().contains("shh"), "{err}");
    }
}
