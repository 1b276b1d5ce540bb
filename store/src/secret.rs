//! `Secret`: the one type of every credential the crate takes.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// A credential (a key, a password, a token): its `Debug` and `Display` print `<redacted>`, and
/// its memory is zeroed when it is dropped ([C-2.13](crate::contract#C-2.13)). Every builder, URL option and
/// configuration value that holds a credential holds it as a `Secret`.
///
/// ```
/// use store::Secret;
/// let secret = Secret::new("hunter2");
/// assert_eq!(format!("{secret} {secret:?}"), "<redacted> <redacted>");
/// assert_eq!(secret.expose(), "hunter2");
/// ```
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(SecretString::from(value.into()))
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}
