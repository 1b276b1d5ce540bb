//! Configuration keys: each builder declares its keys with [`config_keys!`], which gives the
//! enum its `FromStr` (an unknown key answered with the closest known one), its `Display` and
//! the value parsers every builder's `with_config` uses, so a flag or a number is read, and
//! its error worded, in one place.

use std::time::Duration;

use crate::error::{Error, Result};

/// One configuration key of one backend type; written by [`config_keys!`].
#[cfg_attr(
    not(any(feature = "cloud-transport", feature = "sftp")),
    allow(dead_code)
)]
pub(crate) trait ConfigKey: Copy + Sized + 'static {
    /// The backend type the key belongs to, as errors name it.
    const BACKEND: &'static str;
    /// Every key of the type.
    const ALL: &'static [Self];

    /// The key as a URL option or registry setting spells it.
    fn name(self) -> &'static str;

    /// The key `written` names; an unknown one is `InvalidArgument` naming the closest key.
    fn parse(written: &str) -> Result<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|key| key.name() == written)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|k| k.name()).collect();
                let hint = did_you_mean(written, names.iter().copied());
                Error::invalid_argument(format!(
                    "unknown {} option `{written}`{hint} (known: {})",
                    Self::BACKEND,
                    names.join(", ")
                ))
            })
    }

    /// `true` or `false`.
    fn flag(self, value: &str) -> Result<bool> {
        match value {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(self.malformed("takes true or false")),
        }
    }

    /// A whole number.
    fn number(self, value: &str) -> Result<u64> {
        value
            .parse()
            .map_err(|_| self.malformed("takes a whole number"))
    }

    /// A whole number that counts something in memory.
    fn count(self, value: &str) -> Result<usize> {
        usize::try_from(self.number(value)?).map_err(|_| self.malformed("is too large"))
    }

    /// A whole number of seconds.
    fn seconds(self, value: &str) -> Result<Duration> {
        self.number(value).map(Duration::from_secs)
    }

    /// `InvalidArgument` naming the key, never the value (it may be a credential).
    fn malformed(self, what: &str) -> Error {
        Error::invalid_argument(format!("{} option `{}` {what}", Self::BACKEND, self.name()))
    }
}

/// Declares a builder's configuration keys: a public enum whose variants carry their spelling,
/// with `FromStr`, `Display`, `as_str` and `ALL`.
macro_rules! config_keys {
    (
        $(#[$meta:meta])*
        pub enum $name:ident for $backend:literal {
            $( $(#[$variant_meta:meta])* $variant:ident = $key:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!("`", $key, "`: see the builder's table of keys.")]
                $(#[$variant_meta])*
                $variant,
            )*
        }

        impl $name {
            /// Every key, in the order the builder's docs list them.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The key as a URL option or a registry setting spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $key, )*
                }
            }
        }

        impl $crate::config::ConfigKey for $name {
            const BACKEND: &'static str = $backend;
            const ALL: &'static [$name] = $name::ALL;

            fn name(self) -> &'static str {
                self.as_str()
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::Error;

            /// The key spelled `s`; an unknown key is `InvalidArgument` naming the closest
            /// known one.
            fn from_str(s: &str) -> $crate::Result<$name> {
                <$name as $crate::config::ConfigKey>::parse(s)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use config_keys;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    config_keys! {
        /// Keys of a test type.
        pub enum TestKey for "s3" {
            Region = "region",
            AllowHttp = "allow_http",
        }
    }

    #[test]
    fn keys_parse_and_errors_name_the_key_never_the_value() {
        assert_eq!("region".parse::<TestKey>().unwrap(), TestKey::Region);
        assert_eq!(TestKey::AllowHttp.to_string(), "allow_http");
        let err = "regoin".parse::<TestKey>().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(
            err.to_string().contains(
                "unknown s3 option `regoin`; did you mean `region`? (known: region, allow_http)"
            ),
            "{err}"
        );
        assert!(TestKey::AllowHttp.flag("true").unwrap());
        let err = TestKey::AllowHttp.flag("yes-secret").unwrap_err();
        assert!(
            err.to_string().contains("`allow_http` takes true or false"),
            "{err}"
        );
        assert!(!err.to_string().contains("yes-secret"), "{err}");
        let err = TestKey::Region.count("-1").unwrap_err();
        assert!(err.to_string().contains("takes a whole number"), "{err}");
        assert_eq!(
            TestKey::Region.seconds("7").unwrap(),
            Duration::from_secs(7)
        );
    }

    /// Each builder's rustdoc has a row for each of its keys.
    #[test]
    fn every_builder_documents_every_key() {
        fn documented<K: ConfigKey>(source: &str) {
            for key in K::ALL {
                let row = format!("/// | `{}` |", key.name());
                assert!(
                    source.contains(&row),
                    "{} documents `{}`",
                    K::BACKEND,
                    key.name()
                );
            }
        }
        documented::<crate::LocalConfigKey>(include_str!("../backends/local/builder.rs"));
        #[cfg(feature = "s3")]
        documented::<crate::S3ConfigKey>(include_str!("../backends/cloud/s3.rs"));
        #[cfg(feature = "azure")]
        documented::<crate::AzureConfigKey>(include_str!("../backends/cloud/azure.rs"));
        #[cfg(feature = "gcs")]
        documented::<crate::GcsConfigKey>(include_str!("../backends/cloud/gcs/mod.rs"));
        #[cfg(feature = "webdav")]
        documented::<crate::WebDavConfigKey>(include_str!("../backends/webdav/builder.rs"));
        #[cfg(feature = "sftp")]
        documented::<crate::SftpConfigKey>(include_str!("../backends/sftp/builder.rs"));
    }
}
