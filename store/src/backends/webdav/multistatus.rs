//! PROPFIND answers (RFC 4918 `207 Multi-Status`): one [`DavEntry`] per `<response>`, read with
//! quick-xml whatever prefix the server gives the `DAV:` namespace.

use std::time::SystemTime;

use percent_encoding::percent_decode_str;
use quick_xml::escape::resolve_predefined_entity;
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
    /// Whether the server reported a length; see [`DavEntry::is_placeholder`].
    pub(crate) sized: bool,
    pub(crate) modified: Option<SystemTime>,
    pub(crate) etag: Option<String>,
}

impl DavEntry {
    /// A lock on a URL with nothing behind it: RFC 2518's lock-null resource, which Apache's
    /// `mod_dav` keeps after a LOCK of a new URL until a PUT fills it or an UNLOCK removes it.
    /// It lists without a length, a GET of it is 404, and nothing a reader can see is there.
    pub(crate) fn is_placeholder(&self) -> bool {
        !self.collection && !self.sized
    }
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
    let mut entries = Vec::new();
    let mut current: Option<DavEntry> = None;
    // The property being read, and its text so far: quick-xml gives the text around an
    // entity (`&amp;` in an href, as Apache writes `&`) and the entity as separate events.
    let mut field: Option<(Field, String)> = None;
    let mut buf = Vec::new();
    loop {
        let (ns, event) = reader
            .read_resolved_event_into(&mut buf)
            .map_err(|e| invalid(format!("not a multistatus body: {e}")))?;
        let dav = matches!(ns, ResolveResult::Bound(ns) if ns.as_ref() == b"DAV:");
        match event {
            Event::Start(e) if dav => match e.local_name().as_ref() {
                b"response" => current = Some(empty()),
                b"href" => field = Some((Field::Href, String::new())),
                b"getcontentlength" => field = Some((Field::Length, String::new())),
                b"getlastmodified" => field = Some((Field::Modified, String::new())),
                b"getetag" => field = Some((Field::Etag, String::new())),
                b"collection" => mark_collection(&mut current),
                _ => {}
            },
            Event::Empty(e) if dav && e.local_name().as_ref() == b"collection" => {
                mark_collection(&mut current)
            }
            Event::Text(text) => {
                if let Some((_, so_far)) = field.as_mut() {
                    let text = text.decode().map_err(|e| not_text(&e))?;
                    so_far.push_str(&text);
                }
            }
            Event::CData(text) => {
                if let Some((_, so_far)) = field.as_mut() {
                    so_far.push_str(&text.decode().map_err(|e| not_text(&e))?);
                }
            }
            Event::GeneralRef(reference) => {
                if let Some((_, so_far)) = field.as_mut() {
                    match reference.resolve_char_ref().map_err(|e| not_text(&e))? {
                        Some(c) => so_far.push(c),
                        None => {
                            let name = reference.decode().map_err(|e| not_text(&e))?;
                            let text = resolve_predefined_entity(&name).ok_or_else(|| {
                                invalid(format!("an unknown entity in a property: &{name};"))
                            })?;
                            so_far.push_str(text);
                        }
                    }
                }
            }
            Event::End(e) if dav => match e.local_name().as_ref() {
                b"response" => entries.extend(current.take()),
                b"href" | b"getcontentlength" | b"getlastmodified" | b"getetag" => {
                    if let (Some(entry), Some((field, text))) = (current.as_mut(), field.take()) {
                        read_field(entry, field, text.trim())?;
                    }
                }
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
        sized: false,
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
                .map_err(|_| invalid("a listed size is not a number".to_owned()))?;
            entry.sized = true;
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

fn not_text(e: &dyn std::fmt::Display) -> Error {
    invalid(format!("a property is not text: {e}"))
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

    /// What Apache 2.4's `mod_dav` answers for a URL that a LOCK reserved (a lock-null
    /// resource) and for an empty file, whose name Apache escapes as XML: the length is there
    /// for the file only.
    const APACHE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<D:multistatus xmlns:D="DAV:" xmlns:ns0="DAV:">
<D:response xmlns:lp1="DAV:" xmlns:g0="DAV:"><D:href>/t/new.txt</D:href>
<D:propstat><D:prop><lp1:resourcetype/></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>
<D:propstat><D:prop><g0:getcontentlength/><g0:getlastmodified/></D:prop>
<D:status>HTTP/1.1 404 Not Found</D:status></D:propstat></D:response>
<D:response xmlns:lp1="DAV:"><D:href>
/t/a%20&amp;%20b&#x21;&lt;.txt
</D:href>
<D:propstat><D:prop><lp1:resourcetype/><lp1:getcontentlength>0</lp1:getcontentlength>
</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>
</D:multistatus>"#;

    #[test]
    fn a_locked_url_without_content_is_a_placeholder_and_entities_are_text() {
        let entries = parse(APACHE.as_bytes()).unwrap();
        let seen: Vec<(&str, bool)> = entries
            .iter()
            .map(|e| (e.path.as_str(), e.is_placeholder()))
            .collect();
        // An href's text around entities and character references reads as one name.
        assert_eq!(seen, [("/t/new.txt", true), ("/t/a & b!<.txt", false)]);
        let folders = parse(WSGIDAV.as_bytes()).unwrap();
        assert!(folders.iter().all(|e| !e.is_placeholder()));
    }
}
