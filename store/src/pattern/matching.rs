//! The matcher: a path against a pattern's segments, on characters, with `**` as a
//! segment-level star.

use super::{Segment, Token};

/// The segments with each run of `**` collapsed into one, which means the same.
pub(super) fn collapse(segments: &[Segment]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::with_capacity(segments.len() + 1);
    for seg in segments {
        if !(*seg == Segment::Recursive && out.last() == Some(&Segment::Recursive)) {
            out.push(seg.clone());
        }
    }
    out
}

/// The segments as the token matcher takes them: collapsed, and a trailing `**` becomes `*/**`,
/// because it matches everything *below*: at least one segment.
pub(super) fn match_form(segments: &[Segment]) -> Vec<Segment> {
    let mut out = collapse(segments);
    if out.last() == Some(&Segment::Recursive) {
        out.insert(out.len() - 1, Segment::Plain(vec![Token::Star]));
    }
    out
}

/// Matches a `/`-separated path against segments in match form, with `**` as a segment-level
/// star (the classic linear backtracking wildcard algorithm, one level up).
pub(super) fn match_path(segments: &[Segment], path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    let (mut p, mut i) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while i < parts.len() {
        match segments.get(p) {
            Some(Segment::Recursive) => {
                star = Some((p, i));
                p += 1;
            }
            Some(Segment::Plain(tokens)) if match_segment(tokens, parts[i]) => {
                p += 1;
                i += 1;
            }
            _ => match star {
                Some((sp, si)) => {
                    star = Some((sp, si + 1));
                    p = sp + 1;
                    i = si + 1;
                }
                None => return false,
            },
        }
    }
    segments[p..].iter().all(|s| *s == Segment::Recursive)
}

/// Matches one path segment, character by character, with `*` as the star.
pub(super) fn match_segment(tokens: &[Token], name: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    let (mut p, mut i) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while i < chars.len() {
        match tokens.get(p) {
            Some(Token::Star) => {
                star = Some((p, i));
                p += 1;
            }
            Some(token) if matches_char(token, chars[i]) => {
                p += 1;
                i += 1;
            }
            _ => match star {
                Some((sp, si)) => {
                    star = Some((sp, si + 1));
                    p = sp + 1;
                    i = si + 1;
                }
                None => return false,
            },
        }
    }
    tokens[p..].iter().all(|t| *t == Token::Star)
}

/// Whether a single-character token matches `c`; nothing but a literal `/` matches `/`.
pub(super) fn matches_char(token: &Token, c: char) -> bool {
    match token {
        Token::Literal(l) => *l == c,
        Token::Any => c != '/',
        Token::Class { negated, ranges } => {
            c != '/' && ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
        }
        Token::Star => false,
    }
}
