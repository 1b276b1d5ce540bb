//! Conformance items (see docs/contract.md §8): conditional writes, etags and standard
//! attributes (K-111 to K-114).

use bytes::Bytes;

use super::support::{
    check_shape, content_of, exists, expect_kind, expect_unsupported, gates_or_unsupported, race,
    replace,
};
use super::World;
use crate::{Attribute, Attributes, Capability, ErrorKind, Result, WriteOptions, WriteResult};

/// The etag a write reports, or the one `get_file_info` shows after it.
async fn etag_after(w: &dyn World, p: &str, written: &WriteResult) -> Option<String> {
    match &written.etag {
        Some(etag) => Some(etag.clone()),
        None if w.capabilities().supports(Capability::Metadata) => {
            w.get_file_info(p)
                .await
                .unwrap_or_else(|e| panic!("get_file_info({p:?}): {e}"))
                .etag
        }
        None => None,
    }
}

/// What the items of this file need: they write, read back and look at etags.
const NEEDS: [Capability; 3] = [Capability::Write, Capability::Read, Capability::Metadata];

/// The write paths a conditional write can take on `w`, by name.
fn write_paths(w: &dyn World) -> Vec<&'static str> {
    let atomic = w.capabilities().supports(Capability::AtomicWrite);
    ["write", "write_atomic"]
        .into_iter()
        .filter(|h| *h == "write" || atomic)
        .collect()
}

async fn write_by(
    w: &dyn World,
    how: &str,
    p: &str,
    data: &'static str,
    o: &WriteOptions,
) -> Result<WriteResult> {
    let data = Bytes::from_static(data.as_bytes());
    match how {
        "write" => w.write(p, data, o).await,
        _ => w.write_atomic(p, data, o).await,
    }
}

/// K-111: `if_match(etag)` replaces only the version it names: the current etag writes and
/// gives a new one, a stale etag is `PreconditionFailed`, a missing file `NotFound`, and
/// neither changes anything; `if_none_match()` creates and refuses an existing file with
/// `AlreadyExists`. Without ConditionalWrite, `if_match` is `Unsupported` and writes nothing
/// ([C-2.8](crate::contract#C-2.8)).
pub async fn k111_conditional_writes(w: &dyn World) {
    if !gates_or_unsupported(w, &NEEDS).await {
        return;
    }
    for how in write_paths(w) {
        let p = format!("k111/{how}/file.txt");
        let first = write_by(w, how, &p, "version 1", &replace())
            .await
            .expect("the first write");
        let etag = etag_after(w, &p, &first).await;
        if !w.capabilities().supports(Capability::ConditionalWrite) {
            let v1 = etag.unwrap_or_else(|| "\"k111\"".to_owned());
            let r = write_by(w, how, &p, "version 2", &WriteOptions::new().if_match(&v1)).await;
            expect_unsupported(w, r, Capability::ConditionalWrite);
            assert_eq!(
                content_of(w, &p).await,
                "version 1",
                "{how}: refused, unchanged"
            );
            continue;
        }
        let Some(v1) = etag else {
            panic!("{how}: a backend with ConditionalWrite gives no etag for {p:?}");
        };
        let second = write_by(w, how, &p, "version 2", &WriteOptions::new().if_match(&v1))
            .await
            .unwrap_or_else(|e| panic!("{how}: if_match with the current etag: {e}"));
        let v2 = etag_after(w, &p, &second).await.expect("an etag");
        assert_ne!(v1, v2, "{how}: the etag did not change with the content");
        let info = w.get_file_info(&p).await.expect("get_file_info");
        assert_eq!(info.etag.as_deref(), Some(v2.as_str()), "{how}: info etag");
        assert_eq!(content_of(w, &p).await, "version 2", "{how}: replaced");

        let stale = write_by(w, how, &p, "version 3", &WriteOptions::new().if_match(&v1)).await;
        let err = expect_kind(w, stale, ErrorKind::PreconditionFailed);
        check_shape(w, &err, &p, "a stale if_match");
        assert_eq!(
            content_of(w, &p).await,
            "version 2",
            "{how}: stale, unchanged"
        );

        let missing = format!("k111/{how}/missing/file.txt");
        let r = write_by(w, how, &missing, "x", &WriteOptions::new().if_match(&v2)).await;
        let err = expect_kind(w, r, ErrorKind::NotFound);
        check_shape(w, &err, &missing, "if_match on a missing file");
        assert!(!exists(w, &missing).await, "{how}: nothing created");
        assert!(
            !exists(w, &format!("k111/{how}/missing")).await,
            "{how}: no parent left behind"
        );

        let r = write_by(
            w,
            how,
            &p,
            "version 4",
            &WriteOptions::new().if_none_match(),
        )
        .await;
        let err = expect_kind(w, r, ErrorKind::AlreadyExists);
        check_shape(w, &err, &p, "if_none_match on a file");
        let fresh = format!("k111/{how}/fresh.txt");
        write_by(w, how, &fresh, "new", &WriteOptions::new().if_none_match())
            .await
            .expect("if_none_match on a missing file creates it");
        assert_eq!(content_of(w, &fresh).await, "new");
    }
    for bad in [
        WriteOptions::new().if_match(""),
        WriteOptions {
            overwrite: false,
            ..WriteOptions::new().if_match("\"1\"")
        },
        WriteOptions::new().if_none_match().overwrite(true),
    ] {
        let r = w
            .write("k111/bad.txt", Bytes::from_static(b"x"), &bad)
            .await;
        expect_kind(w, r, ErrorKind::InvalidArgument);
    }
    assert!(!exists(w, "k111/bad.txt").await, "invalid options wrote");
}

/// K-112: of 8 writers racing with the same `if_match` etag, exactly one wins; the others get
/// `PreconditionFailed`, and the file holds the winner's content ([C-2.8](crate::contract#C-2.8)).
pub async fn k112_racing_conditional_writers(w: &dyn World) {
    if !gates_or_unsupported(w, &NEEDS).await {
        return;
    }
    if !w.capabilities().supports(Capability::ConditionalWrite) {
        return; // K-111 checks the refusal.
    }
    const WRITERS: usize = 8;
    let atomic = w.capabilities().supports(Capability::AtomicWrite);
    for (round, how) in ["write", "write_atomic", "write", "write_atomic"]
        .into_iter()
        .enumerate()
        .filter(|(_, h)| *h == "write" || atomic)
    {
        let key = format!("k112/round-{round}.txt");
        let seeded = write_by(w, "write", &key, "seed", &replace())
            .await
            .expect("seed");
        let etag = etag_after(w, &key, &seeded).await.expect("an etag");
        let results = race(w, &key, WRITERS, WriteOptions::new().if_match(etag), how).await;
        let winners: Vec<usize> = (0..WRITERS).filter(|&i| results[i].is_ok()).collect();
        assert_eq!(
            winners.len(),
            1,
            "{how} round {round}: winners {winners:?}: {results:?}"
        );
        for (i, result) in results.into_iter().enumerate() {
            if i != winners[0] {
                let err = expect_kind(w, result, ErrorKind::PreconditionFailed);
                check_shape(w, &err, &key, "a losing conditional writer");
            }
        }
        let held = content_of(w, &key).await;
        assert_eq!(
            held,
            format!("writer-{}", winners[0]),
            "{how}: the winner's content"
        );
    }
}

/// K-113: where a backend gives etags, each overwrite with other content (same size, written
/// at once after the last) gives an etag not seen before, and `get_file_info` shows the one the write
/// reported ([C-2.8](crate::contract#C-2.8)).
pub async fn k113_etags_change_with_content(w: &dyn World) {
    if !gates_or_unsupported(w, &NEEDS).await {
        return;
    }
    for how in write_paths(w) {
        let p = format!("k113/{how}.txt");
        let mut seen: Vec<String> = Vec::new();
        for data in ["aaaa", "bbbb", "cccc", "dddd", "eeee"] {
            let r = write_by(w, how, &p, data, &replace()).await.expect("write");
            let Some(etag) = etag_after(w, &p, &r).await else {
                return; // No etags: nothing to check.
            };
            if let Some(reported) = &r.etag {
                let info = w.get_file_info(&p).await.expect("get_file_info");
                assert_eq!(info.etag.as_ref(), Some(reported), "{how}: info etag");
            }
            assert!(
                !seen.contains(&etag),
                "{how}: writing {data:?} gave an etag seen before ({etag}); seen {seen:?}"
            );
            seen.push(etag);
        }
    }
}

/// K-114: with Attributes, the standard attributes of a write come back whole from
/// `get_file_info` and an overwrite without them clears them; without it, a write carrying
/// one is `Unsupported(Attributes)` and writes nothing. A line break in a value is
/// `InvalidArgument` either way ([C-5.3](crate::contract#C-5.3)).
pub async fn k114_standard_attributes(w: &dyn World) {
    if !gates_or_unsupported(w, &NEEDS).await {
        return;
    }
    let attrs: Attributes = [
        (Attribute::ContentType, "text/html; charset=utf-8"),
        (Attribute::CacheControl, "max-age=604800"),
        (
            Attribute::ContentDisposition,
            r#"attachment; filename="test.html""#,
        ),
        (Attribute::ContentEncoding, "gzip"),
        (Attribute::ContentLanguage, "en-US"),
    ]
    .into_iter()
    .collect();
    assert_eq!(attrs.iter().count(), Attribute::ALL.len());
    let with = replace().attributes(attrs.clone());
    let p = "k114/page.html";
    let r = w.write(p, Bytes::from_static(b"<p>hi</p>"), &with).await;
    if !w.capabilities().supports(Capability::Attributes) {
        expect_unsupported(w, r, Capability::Attributes);
        assert!(!exists(w, p).await, "a refused write wrote");
    } else {
        r.expect("a write with attributes");
        let info = w.get_file_info(p).await.expect("get_file_info");
        assert_eq!(info.attributes, attrs, "attributes round trip");
        if w.capabilities().supports(Capability::AtomicWrite) {
            let q = "k114/atomic.html";
            w.write_atomic(q, Bytes::from_static(b"<p>hi</p>"), &with)
                .await
                .expect("write_atomic with attributes");
            let info = w.get_file_info(q).await.expect("get_file_info");
            assert_eq!(
                info.attributes, attrs,
                "write_atomic: attributes round trip"
            );
        }
        w.write(p, Bytes::from_static(b"plain"), &replace())
            .await
            .expect("an overwrite without attributes");
        let info = w.get_file_info(p).await.expect("get_file_info");
        // None of the old ones stays; a service may report its default content type.
        for (attr, old) in attrs.iter() {
            assert_ne!(
                info.attributes.get(attr),
                Some(old),
                "an overwrite kept {attr:?}"
            );
        }
    }
    let bad = replace().content_type("text/plain\r\nX-Injected: 1");
    let r = w
        .write("k114/bad.txt", Bytes::from_static(b"x"), &bad)
        .await;
    expect_kind(w, r, ErrorKind::InvalidArgument);
    assert!(!exists(w, "k114/bad.txt").await, "an invalid write wrote");
}

// The items of this file and the groups they run in.
kit_items! { $ __kit_conditional;
    all [
        k111_conditional_writes,
        k112_racing_conditional_writers,
        k113_etags_change_with_content,
        k114_standard_attributes,
    ]
}
