//! `StorePath`: the validated, normalised, relative `/`-separated path every backend receives.

use std::borrow::Borrow;
use std::fmt;

use crate::error::{Error, Result};

/// A validated, normalised, relative path (contract §3).
///
/// `StorePath::new` applies, in order: NUL → `InvalidPath`; `\` → `/`; drop empty and `.`
/// segments; a `..` segment → `InvalidPath`; nothing left → `InvalidPath`. The root (the empty
/// path) is never produced by `new`; it exists only as [`StorePath::root`], for folder roles.
///
/// ```
/// use store::StorePath;
/// let p = StorePath::new("/a//b/./c.txt/").unwrap();
/// assert_eq!(p.as_str(), "a/b/c.txt");
/// assert_eq!(p.name(), "c.txt");
/// assert_eq!(p.extension(), Some("txt"));
/// assert_eq!(p.parent().unwrap().as_str(), "a/b");
/// assert!(StorePath::new("a/../b").is_err());
/// assert!(StorePath::new("./").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StorePath(String);

impl StorePath {
    /// Validates and normalises `s` as a non-root path.
    pub fn new(s: impl AsRef<str>) -> Result<Self> {
        let s = s.as_ref();
        let normalised = normalise(s)?;
        if normalised.is_empty() {
            // Every spelling of the root is reported as the root itself (C-2.3).
            return Err(Error::root_is_folder());
        }
        Ok(StorePath(normalised))
    }

    /// Parses `s` in the folder role ([C-1.2](crate::contract#C-1.2)): exactly `""` or `"."` is the root,
    /// anything else follows [`StorePath::new`].
    pub fn folder(s: impl AsRef<str>) -> Result<Self> {
        let s = s.as_ref();
        if s.is_empty() || s == "." {
            Ok(StorePath::root())
        } else {
            StorePath::new(s)
        }
    }

    /// The root: the empty path.
    pub const fn root() -> Self {
        StorePath(String::new())
    }

    /// Whether this is the root.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The normalised string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last segment; `""` for the root.
    pub fn name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or("")
    }

    /// The parent: `None` for the root, the root for a single segment.
    pub fn parent(&self) -> Option<StorePath> {
        if self.is_root() {
            return None;
        }
        Some(match self.0.rfind('/') {
            Some(i) => StorePath(self.0[..i].to_owned()),
            None => StorePath::root(),
        })
    }

    /// The segments, none for the root.
    pub fn segments(&self) -> impl DoubleEndedIterator<Item = &str> + '_ {
        self.0.split('/').filter(|s| !s.is_empty())
    }

    /// The number of segments (0 for the root).
    pub fn depth(&self) -> usize {
        if self.is_root() {
            0
        } else {
            self.0.bytes().filter(|b| *b == b'/').count() + 1
        }
    }

    /// The text after the last dot of the name; a leading dot does not count.
    pub fn extension(&self) -> Option<&str> {
        let name = self.name();
        match name.rfind('.') {
            Some(0) | None => None,
            Some(i) => Some(&name[i + 1..]),
        }
    }

    /// `self/other`, re-validating `other`; joining the root gives `other`.
    pub fn join(&self, other: impl AsRef<str>) -> Result<StorePath> {
        let tail = StorePath::new(other)?;
        Ok(self.join_path(&tail))
    }

    /// `self/other` for an already valid path (either may be the root).
    pub fn join_path(&self, other: &StorePath) -> StorePath {
        match (self.is_root(), other.is_root()) {
            (true, _) => other.clone(),
            (_, true) => self.clone(),
            _ => StorePath(format!("{}/{}", self.0, other.0)),
        }
    }

    /// `self/other`, reusing `other`'s allocation when `self` is the root.
    pub fn join_owned(&self, other: StorePath) -> StorePath {
        match (self.is_root(), other.is_root()) {
            (true, _) => other,
            (_, true) => self.clone(),
            _ => StorePath(format!("{}/{}", self.0, other.0)),
        }
    }

    /// The ancestors of `self` below the root, nearest first, as string slices (no allocation).
    pub fn ancestors_str(&self) -> impl Iterator<Item = &str> + '_ {
        let s = self.0.as_str();
        s.match_indices('/').map(move |(i, _)| &s[..i]).rev()
    }

    /// Whether `self` is `base` or lies below it, comparing whole segments.
    pub fn starts_with(&self, base: &StorePath) -> bool {
        base.strip_from(&self.0).is_some()
    }

    /// `self` relative to `base`, if it lies at or below `base`.
    pub fn strip_prefix(&self, base: &StorePath) -> Option<StorePath> {
        base.strip_from(&self.0).map(|s| StorePath(s.to_owned()))
    }

    /// The part of the key `full` below `self`: `Some("")` when equal, `None` when outside.
    pub fn strip_from<'a>(&self, full: &'a str) -> Option<&'a str> {
        if self.is_root() {
            return Some(full);
        }
        let rest = full.strip_prefix(self.0.as_str())?;
        if rest.is_empty() {
            Some(rest)
        } else {
            rest.strip_prefix('/')
        }
    }

    /// Wraps a string known to be in normal form (used by backends for keys they built).
    #[doc(hidden)]
    pub fn from_normalised(s: String) -> StorePath {
        debug_assert_eq!(normalise(&s).ok().as_deref(), Some(s.as_str()));
        StorePath(s)
    }
}

/// Whether `s` is already in normal form — no NUL, no `\`, no empty, `.` or `..` segment — so
/// that normalising it is one copy (the common case: keys a program builds itself).
fn is_normal(s: &str) -> bool {
    !s.contains(['\0', '\\'])
        && s.split('/')
            .all(|segment| !matches!(segment, "" | "." | ".."))
}

/// Applies [C-3.1](crate::contract#C-3.1) steps 1–4 and 6; the caller decides whether empty is allowed.
fn normalise(s: &str) -> Result<String> {
    if is_normal(s) {
        return Ok(s.to_owned());
    }
    if s.contains('\0') {
        return Err(Error::invalid_path(
            s.replace('\0', "\\0"),
            "path contains a null byte",
        ));
    }
    let mut out = String::with_capacity(s.len());
    for segment in s.split(['/', '\\']) {
        match segment {
            "" | "." => continue,
            ".." => {
                return Err(Error::invalid_path(
                    s,
                    "'..' segments are not allowed in paths",
                ))
            }
            _ => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(segment);
            }
        }
    }
    Ok(out)
}

/// A string: the normal form.
#[cfg(feature = "serde")]
impl serde::Serialize for StorePath {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Validated as a folder-role path (`""` is the root), so a document cannot smuggle in a NUL
/// or a `..` segment; other spellings are normalised as [`StorePath::new`] does.
#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for StorePath {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        StorePath::folder(&s).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for StorePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for StorePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StorePath({:?})", self.0)
    }
}

impl AsRef<str> for StorePath {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for StorePath {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for StorePath {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self> {
        StorePath::new(s)
    }
}

impl PartialEq<str> for StorePath {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for StorePath {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use proptest::prelude::*;

    #[test]
    fn normalisation_rules() {
        for (input, want) in [
            ("a", "a"),
            ("/a//b/./c/", "a/b/c"),
            ("a\\b", "a/b"),
            ("a..b", "a..b"),
            ("..hidden", "..hidden"),
            (" sp ace ", " sp ace "),
        ] {
            assert_eq!(StorePath::new(input).unwrap().as_str(), want, "{input:?}");
        }
        for bad in ["", ".", "/", "./", "//", "..", "a/../b", "a\0b", "a/.."] {
            let err = StorePath::new(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidPath, "{bad:?}");
        }
    }

    #[test]
    fn folder_role() {
        assert!(StorePath::folder("").unwrap().is_root());
        assert!(StorePath::folder(".").unwrap().is_root());
        assert!(StorePath::folder("/").is_err());
        assert!(StorePath::folder("./").is_err());
        assert_eq!(StorePath::folder("a/").unwrap().as_str(), "a");
    }

    #[test]
    fn accessors() {
        let root = StorePath::root();
        assert_eq!(root.name(), "");
        assert_eq!(root.parent(), None);
        assert_eq!(root.depth(), 0);
        let a = StorePath::new("a").unwrap();
        assert_eq!(a.parent(), Some(StorePath::root()));
        assert_eq!(StorePath::new(".bashrc").unwrap().extension(), None);
        assert_eq!(StorePath::new("a.tar.gz").unwrap().extension(), Some("gz"));
        let abc = StorePath::new("a/b/c").unwrap();
        assert_eq!(abc.segments().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(abc.depth(), 3);
        assert!(abc.starts_with(&a));
        assert!(!StorePath::new("ab/c").unwrap().starts_with(&a));
        assert_eq!(abc.strip_prefix(&a).unwrap().as_str(), "b/c");
        assert_eq!(a.join("x/y").unwrap().as_str(), "a/x/y");
        assert_eq!(root.join("x").unwrap().as_str(), "x");
        assert!(a.join("..").is_err());
        assert_eq!(format!("{abc:?}"), "StorePath(\"a/b/c\")");
        assert_eq!(abc.ancestors_str().collect::<Vec<_>>(), ["a/b", "a"]);
        assert_eq!(a.ancestors_str().count(), 0);
        assert_eq!(root.join_owned(abc.clone()), abc);
        assert_eq!(a.join_owned(StorePath::new("x").unwrap()).as_str(), "a/x");
    }

    proptest! {
        #[test]
        fn new_never_panics_and_is_idempotent(s in any::<String>()) {
            if let Ok(p) = StorePath::new(&s) {
                prop_assert!(!p.is_root());
                prop_assert!(!p.as_str().contains('\0'));
                prop_assert!(!p.as_str().contains('\\'));
                prop_assert!(p.segments().all(|seg| seg != "." && seg != ".." && !seg.is_empty()));
                prop_assert_eq!(StorePath::new(p.as_str()).unwrap(), p);
            } else {
                prop_assert_eq!(StorePath::new(&s).unwrap_err().kind(), ErrorKind::InvalidPath);
            }
        }

        #[test]
        fn segment_soup_round_trips(segs in proptest::collection::vec("[a-z.\\\\/]{0,4}", 0..6)) {
            let joined = segs.join("/");
            let _ = StorePath::folder(&joined);
            if let Ok(p) = StorePath::new(&joined) {
                let parent = p.parent().unwrap();
                prop_assert_eq!(parent.join_path(&StorePath::new(p.name()).unwrap()), p);
            }
        }
    }
}
