//! The grammar: a pattern's text into segments of tokens, each refusal an `InvalidArgument`
//! naming the pattern.

use super::{Segment, Token};
use crate::error::{Error, Result};

/// `InvalidArgument` for a grammar error in pattern `s`.
pub(super) fn grammar_error(s: &str, reason: &str) -> Error {
    Error::invalid_argument(format!("invalid pattern '{}': {reason}", printable(s)))
}

/// `s` with NUL bytes spelled out, for messages.
pub(super) fn printable(s: &str) -> String {
    s.replace('\0', "\\0")
}

/// Parses one non-empty segment of pattern `whole`.
pub(super) fn parse_segment(seg: &str, whole: &str) -> Result<Segment> {
    if seg == "**" {
        return Ok(Segment::Recursive);
    }
    let mut tokens = Vec::new();
    let mut chars = seg.chars().peekable();
    while let Some(c) = chars.next() {
        tokens.push(match c {
            '*' if chars.peek() == Some(&'*') => {
                return Err(grammar_error(whole, "'**' must be a whole segment"));
            }
            '*' => Token::Star,
            '?' => Token::Any,
            '[' => parse_class(&mut chars, whole)?,
            c => Token::Literal(c),
        });
    }
    Ok(Segment::Plain(tokens))
}

/// Parses a class after its `[`: `!` negates, a `]` right after `[` or `[!` is literal, `-`
/// between two members is a range and literal elsewhere.
pub(super) fn parse_class(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    whole: &str,
) -> Result<Token> {
    let negated = match chars.peek() {
        Some('^') => {
            return Err(grammar_error(
                whole,
                "a class must not start with '^'; use '[!...]' to negate",
            ))
        }
        Some('!') => {
            chars.next();
            true
        }
        _ => false,
    };
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let Some(lo) = chars.next() else {
            return Err(grammar_error(whole, "unclosed '['"));
        };
        if lo == ']' && !first {
            return Ok(Token::Class { negated, ranges });
        }
        first = false;
        let mut ahead = chars.clone();
        match (ahead.next(), ahead.next()) {
            (Some('-'), Some(hi)) if hi != ']' => {
                if hi < lo {
                    return Err(grammar_error(
                        whole,
                        "a class range must not end below its start",
                    ));
                }
                chars.next();
                chars.next();
                ranges.push((lo, hi));
            }
            _ => ranges.push((lo, lo)),
        }
    }
}

/// The text of a segment without wildcards; `None` for `**` and any segment with `*`, `?` or a
/// class.
pub(super) fn literal_text(seg: &Segment) -> Option<String> {
    match seg {
        Segment::Recursive => None,
        Segment::Plain(tokens) => tokens
            .iter()
            .map(|t| match t {
                Token::Literal(c) => Some(*c),
                _ => None,
            })
            .collect(),
    }
}
