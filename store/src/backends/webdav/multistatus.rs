//! PROPFIND answers (RFC 4918 `207 Multi-Status`): one [`DavEntry`] per `<response>`, read with
//! quick-xml whatever prefix the server gives the `DAV:` namespace.

use std::time::SystemTime;

use percent_encoding::percent_decode_str;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use crate::error::{Error, Result};

/// What a PROPFIND says of one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DavEntry {
    /// The href's path, percent-decoded, without a trailing `/`.
    pub(crate) path: String,
    pub(crate) collection: bool,
    pub(crate) size: u64,
    pub(crate) modified: Option<SystemTime>,
    pub(crate) etag: Option<String>,
}

/// The property being read.
#[derive(Clone, Copy)]
enum Field {
    Href,
    Length,
    Modified,
    Etag,
}

/// The entries of a multistatus body; `InvalidData` when it is not one.
pub(crate) fn parse(body: &[u8]) -> Result<Vec<DavEntry>> {
    let mut reader = NsReader::from_reader(body);
    reader.config_mut().trim_text(true);
    let mut entries = Vec::new();
    let mut current: Option<DavEntry> = None;
    let mut field: Option<Field> = None;
    let mut buf = Vec::new();
    loop {
        let (ns, event) = reader
            .read_resolved_event_into(&mut buf)
            .map_err(|e| invalid(format!("not a multistatus body: {e}")))?;
        let dav = matches!(ns, ResolveResult::Bound(ns) if ns.as_ref() == b"DAV:");
        match event {
            Event::Start(e) if dav => match e.local_name().as_ref() {
                b"response" => current = Some(empty()),
                b"href" => field = Some(Field::Href),
                b"getcontentlength" => field = Some(Field::Length),
                b"getlastmodified" => field = Some(Field::Modified),
                b"getetag" => field = Some(Field::Etag),
                b"collection" => mark_collection(&mut current),
                _ => {}
            },
            Event::Empty(e) if dav && e.local_name().as_ref() == b"collection" => {
                mark_collection(&mut current)
            }
            Event::Text(text) => {
                let text = text
                    .decode()
                    .map_err(|e| invalid(format!("a property is not text: {e}")))?;
                if let (Some(entry), Some(field)) = (current.as_mut(), field) {
                    read_field(entry, field, &text)?;
                }
            }
            Event::End(e) if dav => match e.local_name().as_ref() {
                b"response" => entries.extend(current.take()),
                b"href" | b"getcontentlength" | b"getlastmodified" | b"getetag" => field = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(entries)
}

fn empty() -> DavEntry {
    DavEntry {
        path: String::new(),
        collection: false,
        size: 0,
        modified: None,
        etag: None,
    }
}

fn mark_collection(current: &mut Option<DavEntry>) {
    if let Some(entry) = current.as_mut() {
        entry.collection = true;
    }
}

fn read_field(entry: &mut DavEntry, field: Field, text: &str) -> Result<()> {
    match field {
        Field::Href => {
            // An absolute URL or an absolute path; only the path is kept.
            let path = match text.find("://") {
                Some(at) => text[at + 3..]
                    .find('/')
                    .map_or("/", |p| &text[at + 3 + p..]),
                None => text,
            };
            let decoded = percent_decode_str(path)
                .decode_utf8()
                .map_err(|_| invalid("a listed name is not UTF-8 once decoded".to_owned()))?;
            entry.path = decoded.trim_end_matches('/').to_owned();
        }
        Field::Length => {
            entry.size = text
                .trim()
                .parse()
                .map_err(|_| invalid("a listed size is not a number".to_owned()))?
        }
        Field::Modified => {
            entry.modified = chrono::DateTime::parse_from_rfc2822(text.trim())
                .ok()
                .map(SystemTime::from)
        }
        Field::Etag => entry.etag = Some(text.trim().trim_matches('"').to_owned()),
    }
    Ok(())
}

fn invalid(message: String) -> Error {
    Error::new(crate::ErrorKind::InvalidData, message).with_backend(super::NAME)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What wsgidav 4.4 answers to `PROPFIND Depth: 1` on a folder holding a file and a folder.
    const WSGIDAV: &str = r#"<?xml version="1.0" encoding="utf-8" ?>
<ns0:multistatus xmlns:ns0="DAV:">
<ns0:response><ns0:href>/t/</ns0:href><ns0:propstat><ns0:prop>
<ns0:resourcetype><ns0:collection /></ns0:resourcetype>
<ns0:getlastmodified>Sat, 05 Dec 2026 17:00:00 GMT</ns0:getlastmodified>
</ns0:prop><ns0:status>HTTP/1.1 200 OK</ns0:status></ns0:propstat></ns0:response>
<ns0:response><ns0:href>/t/sp%20ace%25%C3%A9.txt</ns0:href><ns0:propstat><ns0:prop>
<ns0:resourcetype />
<ns0:getcontentlength>11</ns0:getcontentlength>
<ns0:getetag>abc-123</ns0:getetag>
<ns0:getlastmodified>Sat, 05 Dec 2026 17:00:01 GMT</ns0:getlastmodified>
</ns0:prop><ns0:status>HTTP/1.1 200 OK</ns0:status></ns0:propstat></ns0:response>
<ns0:response><ns0:href>http://127.0.0.1:8080/t/sub/</ns0:href><ns0:propstat><ns0:prop>
<ns0:resourcetype><ns0:collection/></ns0:resourcetype>
</ns0:prop><ns0:status>HTTP/1.1 200 OK</ns0:status></ns0:propstat></ns0:response>
</ns0:multistatus>"#;

    #[test]
    fn a_multistatus_lists_files_and_folders_whatever_the_prefix() {
        let entries = parse(WSGIDAV.as_bytes()).unwrap();
        let paths: Vec<(&str, bool)> = entries
            .iter()
            .map(|e| (e.path.as_str(), e.collection))
            .collect();
        assert_eq!(
            paths,
            [("/t", true), ("/t/sp ace%é.txt", false), ("/t/sub", true)]
        );
        let file = &entries[1];
        assert_eq!((file.size, file.etag.as_deref()), (11, Some("abc-123")));
        assert!(file.modified.is_some());
        // The same body with the default `D:` prefix reads the same.
        let d = WSGIDAV
            .replace("ns0:", "D:")
            .replace("xmlns:ns0", "xmlns:D");
        assert_eq!(parse(d.as_bytes()).unwrap(), entries);
        assert!(parse(b"<not-xml").is_err() || parse(b"<not-xml").unwrap().is_empty());
    }
}
