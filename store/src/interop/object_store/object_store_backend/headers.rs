//! What an object store carries in HTTP headers: the put's attributes and mode, the checks
//! of metadata keys and attribute values, and the RFC 2047 coding of metadata values.

use std::borrow::Cow;

use object_store::{PutMode, UpdateVersion};

use crate::entry::UserMetadata;
use crate::error::{Error, Result};
use crate::interop::object_store::as_object_store::join_attributes;
use crate::options::WriteOptions;

/// The attributes and the mode of a put.
pub(super) fn put_parts(options: &WriteOptions) -> (object_store::Attributes, PutMode) {
    let metadata: Option<UserMetadata> = options.user_metadata().map(|m| {
        m.iter()
            .map(|(k, v)| (k.clone(), header_safe(v).into_owned()))
            .collect()
    });
    let attributes = join_attributes(&options.attributes, metadata.as_ref());
    let mode = match options.expected_etag() {
        Some(etag) => PutMode::Update(UpdateVersion {
            e_tag: Some(etag.to_owned()),
            version: None,
        }),
        None if options.overwrite => PutMode::Overwrite,
        None => PutMode::Create,
    };
    (attributes, mode)
}

/// What an object store carries in HTTP headers must be spellable there: metadata keys are
/// header-name characters, attribute values visible ASCII (`InvalidArgument` otherwise, before
/// any request). Metadata values are encoded instead ([`header_safe`]).
pub(super) fn check_headers(options: &WriteOptions) -> Result<()> {
    for key in options
        .user_metadata()
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
    {
        if !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        {
            return Err(Error::invalid_argument(format!(
                "metadata key {key:?}: an object store takes letters, digits, '-', '_' and '.'"
            )));
        }
    }
    for (attr, value) in options.attributes.iter() {
        if !value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return Err(Error::invalid_argument(format!(
                "the {} attribute must be visible ASCII for an object store",
                attr.header()
            )));
        }
    }
    Ok(())
}

/// The prefix and suffix of an RFC 2047 encoded word, the form S3 itself gives metadata values
/// that are not plain ASCII.
pub(super) const ENCODED: (&str, &str) = ("=?UTF-8?Q?", "?=");

/// A metadata value as an HTTP header can carry it: visible ASCII with inner spaces stays as it
/// is; anything else (other characters, edge spaces, what looks encoded) becomes an RFC 2047
/// Q-encoded word, which [`from_header`] turns back.
pub(super) fn header_safe(value: &str) -> Cow<'_, str> {
    let plain = value.bytes().all(|b| (0x20..0x7f).contains(&b))
        && !value.starts_with(' ')
        && !value.ends_with(' ')
        && !value.starts_with(ENCODED.0);
    if plain {
        return Cow::Borrowed(value);
    }
    let mut out = String::from(ENCODED.0);
    for b in value.bytes() {
        match b {
            b' ' => out.push('_'),
            b'=' | b'?' | b'_' => out.push_str(&format!("={b:02X}")),
            0x21..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("={b:02X}")),
        }
    }
    out.push_str(ENCODED.1);
    Cow::Owned(out)
}

/// The value [`header_safe`] encoded; any other value unchanged.
pub(super) fn from_header(value: &str) -> Cow<'_, str> {
    let Some(inner) = value
        .strip_prefix(ENCODED.0)
        .and_then(|v| v.strip_suffix(ENCODED.1))
    else {
        return Cow::Borrowed(value);
    };
    let mut bytes = Vec::with_capacity(inner.len());
    let mut rest = inner.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        rest = tail;
        match b {
            b'_' => bytes.push(b' '),
            b'=' => {
                let hex = rest.get(..2).and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(byte) => {
                        bytes.push(byte);
                        rest = &rest[2..];
                    }
                    None => return Cow::Borrowed(value),
                }
            }
            other => bytes.push(other),
        }
    }
    String::from_utf8(bytes).map_or(Cow::Borrowed(value), Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::{from_header, header_safe};

    #[test]
    fn metadata_values_survive_headers() {
        for value in [
            "plain",
            "hello   world",
            "a value with spaces, ünïcode & symbols =;",
            " edge ",
            "=?UTF-8?Q?looks_encoded?=",
            "tab\there",
            "",
        ] {
            let sent = header_safe(value);
            assert!(sent.bytes().all(|b| (0x20..0x7f).contains(&b)), "{sent:?}");
            assert_eq!(from_header(&sent), value, "{sent:?}");
        }
        assert_eq!(header_safe("plain"), "plain");
    }
}
