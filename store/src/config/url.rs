//! Backends from URLs: the scheme picks a row of the backend-type table, the URL locates the
//! backend (its bucket, host or folder) through the builder's `with_url`, and the options go
//! through the builder's `with_config`. A plain path is a local folder.

use percent_encoding::percent_decode_str;
use url::Url;

use super::types::{BackendType, Opened};
use crate::error::{Error, Result};
use crate::path::StorePath;

/// Opens the backend `url` names, with `options`, and the root inside it. No I/O, except that
/// a `file:` URL with `must_exist` checks its folder. Neither the URL nor a value is ever
/// repeated in an error, so credentials cannot leak through one.
pub(crate) fn open_url<K: AsRef<str>, V: Into<String>>(
    url: &str,
    options: impl IntoIterator<Item = (K, V)>,
) -> Result<(Opened, StorePath)> {
    let mut settings: Vec<(String, String)> = options
        .into_iter()
        .map(|(k, v)| (k.as_ref().to_owned(), v.into()))
        .collect();
    if url.starts_with('/') || url.starts_with('.') || !url.contains("://") && !url.contains(':') {
        settings.insert(0, ("path".to_owned(), url.to_owned()));
        return (BackendType::named("local")?.build()?.open)(None, settings);
    }
    let parsed = parse(url)?;
    let kind = BackendType::of_url(&parsed)?;
    (kind.build()?.open)(Some(&parsed), settings)
}

/// `url` parsed, for the builder of backend type `name`: a URL of another type is refused.
pub(crate) fn parse_for(url: &str, name: &str) -> Result<Url> {
    let parsed = parse(url)?;
    let kind = BackendType::of_url(&parsed)?;
    if kind.name != name {
        return Err(Error::invalid_argument(format!(
            "a `{}:` URL is of the {} backend type, not of {name}",
            parsed.scheme(),
            kind.name
        )));
    }
    Ok(parsed)
}

fn parse(url: &str) -> Result<Url> {
    let parsed = Url::parse(url)
        .map_err(|e| Error::invalid_argument(format!("not a valid store URL: {e}")))?;
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::invalid_argument(
            "a store URL takes no query or fragment: settings go in the options",
        ));
    }
    Ok(parsed)
}

/// Refuses a user or password in `url`, which a type that takes neither there gets from its
/// options instead.
pub(crate) fn no_credentials(url: &Url) -> Result<()> {
    if url.username().is_empty() && url.password().is_none() {
        return Ok(());
    }
    Err(Error::invalid_argument(format!(
        "an {} URL takes no user or password: credentials go in the options",
        url.scheme()
    )))
}

/// The URL's path segments, percent-decoded, without empty ones.
pub(crate) fn path_segments(url: &Url) -> Vec<String> {
    url.path_segments()
        .map(|s| {
            s.filter(|p| !p.is_empty())
                .map(|p| percent_decode_str(p).decode_utf8_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}
