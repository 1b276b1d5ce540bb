//! `Pattern`: the validated glob of `glob` and of `ListOptions.pattern` ([C-6.7](crate::contract#C-6.7)).
//!
//! The grammar is ours, not globset's: `{`, `}` and `,` are literal, `\` is a separator and never
//! an escape, `**` is legal only as a whole segment, and a class never matches `/`. A pattern is
//! parsed into segments of tokens and matched by the small matcher below, which works on
//! characters (globset's `?` and classes work on bytes, which is only right for ASCII). The
//! tests translate patterns into globset globs and check that both agree wherever globset
//! applies.
//!
//! `grammar.rs` parses a pattern into segments of tokens, `matching.rs` matches a path
//! against them, and `tests.rs` checks both against globset.

mod grammar;
mod matching;
#[cfg(test)]
mod tests;

use std::fmt;
use std::hash::{Hash, Hasher};

use self::grammar::{grammar_error, literal_text, parse_segment, printable};
use self::matching::{match_form, match_path};
use crate::error::{Error, Result};
use crate::path::StorePath;

/// A validated glob pattern ([C-6.7](crate::contract#C-6.7)), matched against whole store-relative paths.
///
/// `*` matches a run of characters other than `/`, `?` one such character, `[abc]`, `[a-z]` and
/// `[!abc]` one listed (or unlisted) character other than `/`, and a whole `**` segment zero or
/// more segments; a trailing `**` matches everything below. Every other character is literal,
/// `{`, `}` and `\` included: there is no escape character, so write `[*]` for a literal star.
/// The text is normalised like a path: `\` becomes `/`, and empty and `.` segments are dropped.
/// Matching is anchored at both ends and case-sensitive, the same on every platform.
///
/// ```
/// use store::{ErrorKind, Pattern};
/// let p = Pattern::new("/logs//**/*.txt").unwrap();
/// assert_eq!(p.as_str(), "logs/**/*.txt");
/// assert!(p.matches("logs/a.txt"));
/// assert!(p.matches("logs/2024/01/a.txt"));
/// assert!(!p.matches("logs/a.txt.gz"));
/// assert!(!p.matches("LOGS/a.txt"));
/// assert_eq!(p.literal_prefix().as_str(), "logs");
/// assert!(p.needs_recursion());
/// assert!(Pattern::new("{a,b}").unwrap().matches("{a,b}"));
/// assert_eq!(Pattern::new("a**").unwrap_err().kind(), ErrorKind::InvalidArgument);
/// assert_eq!(Pattern::new("a/../b").unwrap_err().kind(), ErrorKind::InvalidPath);
/// assert_eq!(Pattern::segment("a/*").unwrap_err().kind(), ErrorKind::InvalidArgument);
/// ```
#[derive(Clone)]
pub struct Pattern {
    /// The normalised text: the segments joined with `/`.
    text: String,
    /// The parsed segments, never empty.
    segments: Vec<Segment>,
    /// The segments as the matcher uses them (see [`match_form`]).
    match_segments: Vec<Segment>,
}

/// One `/`-separated piece of a pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    /// A whole `**` segment: zero or more segments.
    Recursive,
    /// Any other segment, matching exactly one path segment.
    Plain(Vec<Token>),
}

/// One element of a [`Segment::Plain`].
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    /// A character matched as itself.
    Literal(char),
    /// `?`.
    Any,
    /// `*`.
    Star,
    /// `[...]` or `[!...]`, as inclusive character ranges.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl Pattern {
    /// Parses a full glob pattern (for `glob`).
    ///
    /// Grammar errors come first, as `InvalidArgument` ([C-1.3](crate::contract#C-1.3)): `**` inside a segment
    /// (`a**`, `**b`), an unclosed `[`, a class starting with `^` (`[^a]`), a reversed range
    /// (`[z-a]`), and a pattern that is empty after normalisation (`""`, `"/"`, `"."`). Then the
    /// path-like checks, as `InvalidPath`: a NUL anywhere, a segment that is exactly `..`.
    /// Normalisation follows paths: `\` becomes `/` (it is never an escape), and empty and `.`
    /// segments are dropped.
    pub fn new(s: &str) -> Result<Pattern> {
        let mut segments = Vec::new();
        let mut texts = Vec::new();
        for seg in s.split(['/', '\\']) {
            if seg.is_empty() || seg == "." {
                continue;
            }
            segments.push(parse_segment(seg, s)?);
            texts.push(seg);
        }
        if segments.is_empty() {
            return Err(grammar_error(s, "a pattern must not be empty"));
        }
        if s.contains('\0') {
            return Err(Error::invalid_path(
                printable(s),
                "pattern contains a null byte",
            ));
        }
        if texts.contains(&"..") {
            return Err(Error::invalid_path(
                s,
                "'..' segments are not allowed in patterns",
            ));
        }
        Ok(Pattern::from_parts(texts.join("/"), segments))
    }

    /// Parses the single-segment basename filter of `ListOptions.pattern`.
    ///
    /// As [`Pattern::new`], and additionally a `/` (or `\`) or a `**` anywhere in it is
    /// `InvalidArgument`, because a basename has exactly one segment.
    pub fn segment(s: &str) -> Result<Pattern> {
        if s.contains(['/', '\\']) {
            return Err(grammar_error(s, "a basename pattern must not contain '/'"));
        }
        if s.contains("**") {
            return Err(grammar_error(s, "a basename pattern must not contain '**'"));
        }
        Pattern::new(s)
    }

    /// The normalised pattern text, which parses back to an equal pattern.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether `path` matches: a normalised store-relative path for [`Pattern::new`], a basename
    /// for [`Pattern::segment`]. Anchored at both ends and case-sensitive.
    pub fn matches(&self, path: &str) -> bool {
        match_path(&self.match_segments, path)
    }

    /// This pattern placed under folder `root` (a key prefix), so it matches backend keys.
    ///
    /// Root's segments are escaped, so that `*`, `?` and `[` in a folder name are matched
    /// literally (as `[*]`, `[?]`, `[[]`). `under(&StorePath::root())` is the same pattern.
    pub fn under(&self, root: &StorePath) -> Pattern {
        if root.is_root() {
            return self.clone();
        }
        let mut text = String::new();
        let mut segments = Vec::new();
        for seg in root.segments() {
            let mut tokens = Vec::new();
            for c in seg.chars() {
                if matches!(c, '*' | '?' | '[') {
                    text.push('[');
                    text.push(c);
                    text.push(']');
                    tokens.push(Token::Class {
                        negated: false,
                        ranges: vec![(c, c)],
                    });
                } else {
                    text.push(c);
                    tokens.push(Token::Literal(c));
                }
            }
            text.push('/');
            segments.push(Segment::Plain(tokens));
        }
        text.push_str(&self.text);
        segments.extend(self.segments.iter().cloned());
        Pattern::from_parts(text, segments)
    }

    /// The folder under which every match lies: the longest run of leading wildcard-free
    /// segments, never including the last one (`a/b/*.txt` → `a/b`, `a/**/x` → `a`,
    /// `*.txt` → root, `a/b/c.txt` → `a/b`). A class counts as a wildcard, even `[*]`.
    pub fn literal_prefix(&self) -> StorePath {
        let names: Vec<String> = self.segments[..self.segments.len() - 1]
            .iter()
            .map_while(literal_text)
            .collect();
        StorePath::from_normalised(names.join("/"))
    }

    /// Whether matches can lie deeper than one level below [`literal_prefix`](Self::literal_prefix),
    /// i.e. whether a listing under the prefix must be recursive ([C-6.8](crate::contract#C-6.8)): true when a
    /// `**` or more than one segment follows the prefix.
    pub fn needs_recursion(&self) -> bool {
        let prefix_len = self.segments[..self.segments.len() - 1]
            .iter()
            .take_while(|seg| literal_text(seg).is_some())
            .count();
        let rest = &self.segments[prefix_len..];
        rest.len() > 1 || rest.contains(&Segment::Recursive)
    }

    /// The pattern of already validated segments.
    fn from_parts(text: String, segments: Vec<Segment>) -> Pattern {
        let match_segments = match_form(&segments);
        Pattern {
            text,
            segments,
            match_segments,
        }
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.text)
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Patterns are equal when their normalised texts are.
impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Pattern {}

impl Hash for Pattern {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}
