//! The pattern grammar and matcher, checked against globset wherever globset applies.

use super::matching::collapse;
use super::*;
use crate::ErrorKind;
use globset::{GlobBuilder, GlobMatcher};
use proptest::prelude::*;

// --- globset, the oracle ---------------------------------------------------------------------

/// The pattern as a globset matcher; `None` when a class cannot be written in globset's
/// syntax.
fn globset_of(pat: &Pattern) -> Option<GlobMatcher> {
    let glob = to_globset(&collapse(&pat.segments))?;
    let glob = GlobBuilder::new(&glob)
        .literal_separator(true)
        .backslash_escape(false)
        .case_insensitive(false)
        .build()
        .ok()?;
    Some(glob.compile_matcher())
}

/// Whether the pattern has a `?` or a class, which globset matches per byte, not per
/// character: globset can judge it only on ASCII paths.
fn char_sensitive(pat: &Pattern) -> bool {
    pat.segments.iter().any(|seg| match seg {
        Segment::Recursive => false,
        Segment::Plain(tokens) => tokens
            .iter()
            .any(|t| matches!(t, Token::Any | Token::Class { .. })),
    })
}

/// The globset glob for collapsed segments; `None` if a class cannot be written for it.
fn to_globset(segments: &[Segment]) -> Option<String> {
    let mut out = String::new();
    for (n, seg) in segments.iter().enumerate() {
        if n > 0 {
            out.push('/');
        }
        let tokens = match seg {
            Segment::Recursive => {
                out.push_str("**");
                continue;
            }
            Segment::Plain(tokens) => tokens,
        };
        for token in tokens {
            match token {
                Token::Literal(c @ ('*' | '?' | '[' | '{' | '}' | ',' | '\\')) => {
                    out.push('[');
                    out.push(*c);
                    out.push(']');
                }
                Token::Literal(c) => out.push(*c),
                Token::Any => out.push('?'),
                Token::Star => out.push('*'),
                Token::Class { negated, ranges } => push_glob_class(&mut out, *negated, ranges)?,
            }
        }
    }
    Some(out)
}

/// Writes a class in globset's syntax, where `]` is literal only first, `-` only first or last,
/// and `!` or `^` first negates. Our classes never match `/`, so `/` is removed from a positive
/// class and added to a negated one.
fn push_glob_class(out: &mut String, negated: bool, ranges: &[(char, char)]) -> Option<()> {
    let mut set = ranges.to_vec();
    if negated {
        set.push(('/', '/'));
    } else {
        remove_char(&mut set, '/');
    }
    let bracket = remove_char(&mut set, ']');
    let mut dash = remove_char(&mut set, '-');
    set.sort_unstable();
    out.push('[');
    if negated {
        out.push('!');
    } else if bracket {
        // `]` goes first below.
    } else if let Some(i) = set.iter().position(|&(lo, _)| lo != '!' && lo != '^') {
        set.swap(0, i);
    } else if let Some(i) = set.iter().position(|&(lo, hi)| lo < hi) {
        // `!` or `^` opens every range: start with the rest of one of them.
        let (lo, hi) = set[i];
        set[i] = (lo, lo);
        set.insert(0, (next_char(lo)?, hi));
    } else if dash {
        out.push('-');
        dash = false;
    } else {
        return None;
    }
    if bracket {
        out.push(']');
    }
    for (lo, hi) in set {
        out.push(lo);
        if lo != hi {
            out.push('-');
            out.push(hi);
        }
    }
    if dash {
        out.push('-');
    }
    out.push(']');
    Some(())
}

/// Removes `c` from a set of inclusive ranges; returns whether it was in it.
fn remove_char(set: &mut Vec<(char, char)>, c: char) -> bool {
    let mut found = false;
    let mut kept = Vec::with_capacity(set.len() + 1);
    for &(lo, hi) in set.iter() {
        if lo <= c && c <= hi {
            found = true;
            if lo < c {
                kept.extend(prev_char(c).map(|p| (lo, p)));
            }
            if c < hi {
                kept.extend(next_char(c).map(|n| (n, hi)));
            }
        } else {
            kept.push((lo, hi));
        }
    }
    *set = kept;
    found
}

fn next_char(c: char) -> Option<char> {
    char::from_u32(u32::from(c) + 1)
}

fn prev_char(c: char) -> Option<char> {
    char::from_u32(u32::from(c).checked_sub(1)?)
}

// --- the cases -------------------------------------------------------------------------------

fn p(s: &str) -> Pattern {
    Pattern::new(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

/// Checks `pattern` against `yes` and `no`, through `matches`, the matcher and the globset oracle.
fn check(pattern: &str, yes: &[&str], no: &[&str]) {
    let pat = p(pattern);
    for (paths, want) in [(yes, true), (no, false)] {
        for path in paths {
            assert_eq!(pat.matches(path), want, "{pattern:?} on {path:?}");
            assert_eq!(
                match_path(&pat.match_segments, path),
                want,
                "token matcher: {pattern:?} on {path:?}"
            );
            if path.is_ascii() {
                let glob = globset_of(&pat).expect("globset translation");
                assert_eq!(
                    glob.is_match(path),
                    want,
                    "globset: {pattern:?} on {path:?}"
                );
            }
        }
    }
}

fn kind_of(r: Result<Pattern>) -> ErrorKind {
    r.expect_err("should fail").kind()
}

#[test]
fn star_never_crosses_a_separator() {
    check("*", &["a", "abc", ".hidden", "é", ""], &["a/b"]);
    check(
        "*.txt",
        &["a.txt", ".txt", "é.txt"],
        &["d/a.txt", "a.txt.gz"],
    );
    check("a/*/c", &["a/b/c", "a/é/c"], &["a/c", "a/b/x/c"]);
    check("a*b", &["ab", "axxb", "aéb"], &["a/b", "axb/b"]);
}

#[test]
fn question_mark_is_one_character() {
    check("?", &["a", "é", "*"], &["", "ab", "/"]);
    check("a?c", &["abc", "aéc"], &["ac", "a/c", "abbc"]);
    check("??", &["ab", "éé"], &["a", "abc"]);
}

#[test]
fn classes_list_ranges_and_negate() {
    check(
        "[abc].txt",
        &["a.txt", "c.txt"],
        &["d.txt", "A.txt", "ab.txt"],
    );
    check("x[a-z]", &["xa", "xm", "xz"], &["xA", "x0", "x"]);
    check("[!abc]", &["d", "é", "["], &["a", "c", "/", ""]);
    check("[é-ü]", &["é", "ö", "ü"], &["e", "a", "ÿ"]);
    check("a[+-0]b", &["a+b", "a.b", "a0b"], &["a/b", "a1b"]);
    check("[a-]", &["a", "-"], &["b"]);
    check("[!-a]", &["b", "."], &["-", "a"]);
    check("[*][?][[]", &["*?["], &["a?[", "***"]);
    check("[!!]", &["a"], &["!"]);
    check("[!^]", &["a"], &["^"]);
    check("[a!^]", &["a", "!", "^"], &["b"]);
    check("[{},]", &["{", "}", ","], &["a"]);
}

#[test]
fn bracket_right_after_the_opening_is_literal() {
    check("[]]", &["]"], &["a"]);
    check("[]a]", &["]", "a"], &["b"]);
    check("[!]]", &["a", "["], &["]"]);
    check("[]-a]", &["]", "^", "a"], &["b", "-"]);
    check("a]b", &["a]b"], &["ab"]);
}

#[test]
fn double_star_matches_zero_or_more_segments() {
    let deep = ["a/b", "a/x/b", "a/x/y/b"];
    check("a/**/b", &deep, &["a/xb", "ab", "a/b/c", "x/a/b"]);
    check("**/b", &["b", "x/b", "x/y/b"], &["b/x", "xb"]);
    check("a/**/**/b", &deep, &["a/bb"]);
    check("**/*.txt", &["a.txt", "x/y/a.txt"], &["a.txt/x"]);
    check("a/**/x*/**/b", &["a/x/b", "a/1/x2/3/b"], &["a/b", "a/y/b"]);
}

#[test]
fn trailing_double_star_matches_everything_below() {
    check("a/**", &["a/b", "a/b/c", "a/.x/y"], &["a", "ab", "b/a/c"]);
    check("**", &["a", "a/b", "é/ü"], &[]);
    check("a/**/**", &["a/b", "a/b/c"], &["a"]);
}

#[test]
fn braces_backslash_and_other_characters_are_literal() {
    check("{a,b}", &["{a,b}"], &["a", "b"]);
    check("x{1..2}", &["x{1..2}"], &["x1"]);
    check("a+b(c)^$|.", &["a+b(c)^$|."], &["a+b(c)^$|x"]);
    check("!a", &["!a"], &["b"]);
    // `\` is a separator, never an escape.
    assert_eq!(p(r"a\b").as_str(), "a/b");
    assert_eq!(p(r"[*]\x").as_str(), "[*]/x");
}

#[test]
fn matching_is_case_sensitive_and_anchored() {
    check(
        "Readme.md",
        &["Readme.md"],
        &["readme.md", "README.MD", "x/Readme.md"],
    );
    check("[a-z]", &["q"], &["Q"]);
    check("b", &["b"], &["ab", "ba", "a/b", "b/a"]);
}

#[test]
fn normalisation_follows_paths() {
    for (input, want) in [
        ("/a//b/./*.txt/", "a/b/*.txt"),
        (r".\a\**", "a/**"),
        ("./x", "x"),
        ("a..b/..x", "a..b/..x"),
    ] {
        assert_eq!(p(input).as_str(), want, "{input:?}");
    }
    assert_eq!(p("/a/*"), p("a/*"));
    assert_eq!(format!("{:?}", p("a/*")), r#"Pattern("a/*")"#);
    assert_eq!(p("a/*").to_string(), "a/*");
}

#[test]
fn grammar_errors_are_invalid_argument() {
    for bad in [
        "a**", "**b", "***", "x/a**/y", "[abc", "a/[", "[!", "[]", "[!]", "[^a]", "[^]", "", "/",
        ".", "./", "//", r"\", "[z-a]", // grammar is checked before the path rules
        "a**/..", "[\0", "..[",
    ] {
        assert_eq!(
            kind_of(Pattern::new(bad)),
            ErrorKind::InvalidArgument,
            "{bad:?}"
        );
    }
    // `\` is a separator, so it cannot hide inside a class
    assert_eq!(kind_of(Pattern::new(r"[a\b]")), ErrorKind::InvalidArgument);
}

#[test]
fn nul_and_dotdot_are_invalid_path() {
    for bad in [
        "a\0b", "\0", "*\0", "..", "a/..", "../a", r"a\..\b", "**/..",
    ] {
        let err = Pattern::new(bad).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidPath, "{bad:?}");
        assert!(!err.to_string().contains('\0'));
    }
}

#[test]
fn segment_patterns() {
    let s = Pattern::segment("*.txt").unwrap();
    assert!(s.matches("a.txt"));
    assert!(!s.matches("a.csv"));
    assert_eq!(s.literal_prefix(), StorePath::root());
    assert!(!s.needs_recursion());
    for bad in [
        "a/b", "*/", "/a", r"a\b", "**", "a**", "x**y", "[**]", "", ".", "[a",
    ] {
        assert_eq!(
            kind_of(Pattern::segment(bad)),
            ErrorKind::InvalidArgument,
            "{bad:?}"
        );
    }
    assert_eq!(kind_of(Pattern::segment("..")), ErrorKind::InvalidPath);
    assert_eq!(kind_of(Pattern::segment("a\0")), ErrorKind::InvalidPath);
}

#[test]
fn under_escapes_the_root() {
    let root = StorePath::new("data/x*y?/[z]").unwrap();
    let pat = p("**/*.txt").under(&root);
    assert_eq!(pat.as_str(), "data/x[*]y[?]/[[]z]/**/*.txt");
    assert_eq!(Pattern::new(pat.as_str()).unwrap(), pat);
    check(
        pat.as_str(),
        &["data/x*y?/[z]/a.txt", "data/x*y?/[z]/q/a.txt"],
        &[
            "data/xay?/[z]/a.txt",
            "data/x*yb/[z]/a.txt",
            "data/x*y?/z/a.txt",
            "data/x*y?/a.txt",
        ],
    );
    assert!(pat.matches("data/x*y?/[z]/a.txt"));
    assert_eq!(pat.literal_prefix().as_str(), "data");
    assert!(pat.needs_recursion());
    let plain = p("a/b.txt");
    assert_eq!(plain.under(&StorePath::root()), plain);
    let under = plain.under(&StorePath::new("r/s").unwrap());
    assert_eq!(under.as_str(), "r/s/a/b.txt");
    assert_eq!(under.literal_prefix().as_str(), "r/s/a");
    assert!(!under.needs_recursion());
}

#[test]
fn literal_prefix_and_recursion() {
    for (pattern, prefix, recursive) in [
        ("a/b/*.txt", "a/b", false),
        ("a/**/x", "a", true),
        ("*.txt", "", false),
        ("a/b/c.txt", "a/b", false),
        ("a", "", false),
        ("**", "", true),
        ("a/**", "a", true),
        ("a/*/c", "a", true),
        ("a/[*]/c", "a", true),
        ("a/b?/c/d", "a", true),
        ("x/y/z/*", "x/y/z", false),
        ("{a}/b", "{a}", false),
    ] {
        let pat = p(pattern);
        assert_eq!(pat.literal_prefix().as_str(), prefix, "{pattern:?}");
        assert_eq!(pat.needs_recursion(), recursive, "{pattern:?}");
    }
}

#[test]
fn globset_translation_writes_awkward_classes() {
    for (pattern, glob) in [
        ("[]a-]", "[]a-]"),
        ("[!a]", "[!/a]"),
        ("[+-0]", "[+-,.0-]"),
        ("[a!^]", "[a^!]"),
        ("[-!]", "[-!]"),
        ("x{,}", "x[{][,][}]"),
        ("a/**/**", "a/**"),
        ("**/**/x", "**/x"),
    ] {
        let pat = p(pattern);
        assert_eq!(
            to_globset(&collapse(&pat.segments)).as_deref(),
            Some(glob),
            "{pattern:?}"
        );
    }
}

/// Patterns and paths over an alphabet dense in special characters.
fn glob_soup() -> impl Strategy<Value = String> {
    "[ab*?!^./\\[\\]{},é-]{0,10}"
}

fn path_soup() -> impl Strategy<Value = String> {
    proptest::collection::vec("[ab!^*?.\\[\\]{},é-]{1,4}", 1..5).prop_map(|s| s.join("/"))
}

/// Patterns built from whole segments, so that a good share of them match `mixed_path`.
fn mixed_pattern() -> impl Strategy<Value = String> {
    let segments = vec![
        "**", "*", "?", "a", "é", "[a-]", "[!a]", "a*", "*é", "[]é]", "?*?", "[!]-]", "[!é]*", "-",
    ];
    proptest::collection::vec(proptest::sample::select(segments), 1..5).prop_map(|s| s.join("/"))
}

fn mixed_path() -> impl Strategy<Value = String> {
    let segments = vec!["a", "é", "-", "]", "a-", "éa", "!", "aa"];
    proptest::collection::vec(proptest::sample::select(segments), 1..5).prop_map(|s| s.join("/"))
}

/// globset (where it can judge) and the matcher give the same answer.
fn agree(pattern: &str, path: &str) -> std::result::Result<(), TestCaseError> {
    if let Ok(pat) = Pattern::new(pattern) {
        let glob = globset_of(&pat).expect("globset translation");
        let ours = match_path(&pat.match_segments, path);
        if path.is_ascii() || !char_sensitive(&pat) {
            prop_assert_eq!(glob.is_match(path), ours, "{:?} on {:?}", pat, path);
        }
        prop_assert_eq!(pat.matches(path), ours);
    }
    Ok(())
}

proptest! {
    #[test]
    fn parsing_never_panics_and_literals_match_themselves(s in any::<String>(), t in any::<String>()) {
        for result in [Pattern::new(&s), Pattern::segment(&s)] {
            match result {
                Ok(pat) => {
                    prop_assert!(!pat.as_str().is_empty());
                    prop_assert!(!pat.as_str().contains(['\0', '\\']));
                    prop_assert_eq!(&Pattern::new(pat.as_str()).unwrap(), &pat);
                    if !pat.as_str().contains(['*', '?', '[']) {
                        prop_assert!(pat.matches(pat.as_str()));
                        prop_assert_eq!(pat.matches(&t), t == pat.as_str());
                        let longer = format!("{}x", pat.as_str());
                        prop_assert!(!pat.matches(&longer));
                    }
                }
                Err(err) => prop_assert!(matches!(
                    err.kind(),
                    ErrorKind::InvalidArgument | ErrorKind::InvalidPath
                )),
            }
        }
    }

    #[test]
    fn soup_patterns_parse_and_literals_match_themselves(s in glob_soup()) {
        for pat in [Pattern::new(&s), Pattern::segment(&s)].into_iter().flatten() {
            prop_assert_eq!(&Pattern::new(pat.as_str()).unwrap(), &pat);
            if !pat.as_str().contains(['*', '?', '[']) {
                prop_assert!(pat.matches(pat.as_str()));
            }
        }
    }

    #[test]
    fn globset_and_token_matcher_agree(s in glob_soup(), path in path_soup()) {
        agree(&s, &path)?;
    }

    #[test]
    fn globset_and_token_matcher_agree_on_mixed_segments(
        s in mixed_pattern(),
        path in mixed_path(),
    ) {
        agree(&s, &path)?;
    }

    #[test]
    fn under_matches_below_the_root(
        s in glob_soup(),
        root in proptest::collection::vec("[ab*?!\\[\\]]{1,3}", 1..3),
        path in path_soup(),
    ) {
        if let Ok(pat) = Pattern::new(&s) {
            let root = StorePath::new(root.join("/")).unwrap();
            let full = format!("{root}/{path}");
            let under = pat.under(&root);
            prop_assert_eq!(under.matches(&full), pat.matches(&path));
            prop_assert_eq!(&Pattern::new(under.as_str()).unwrap(), &under);
            if !root.as_str().contains(['*', '?', '[']) {
                prop_assert_eq!(under.literal_prefix(), root.join_path(&pat.literal_prefix()));
                prop_assert_eq!(under.needs_recursion(), pat.needs_recursion());
            }
        }
    }
}
