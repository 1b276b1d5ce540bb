//! Conformance items K-1..K-10: identity and lifecycle (see docs/contract.md §8).

use std::any::TypeId;
use std::fmt::Debug;

use bytes::Bytes;

use super::support::*;
use super::{CallArgs, Declared, World};
use crate::{
    Capabilities, Capability, DeleteFolderOptions, Error, ErrorKind, ListOptions, Operation,
    PathRole, Result, StorePath, WriteOptions,
};

/// Typical markers of a secret that must never be printed ([C-2.13](crate::contract#C-2.13)), compared lower-cased.
const SECRET_MARKERS: [&str; 4] = ["password", "secret", "token=", "accountkey"];

/// Every capability a call can be refused for: the operation gates and the argument gates
/// UserMetadata, ConditionalWrite and Attributes ([C-5.1](crate::contract#C-5.1)).
const REFUSABLE: Capabilities = Capabilities::GATES
    .with(Capability::UserMetadata)
    .with(Capability::ConditionalWrite)
    .with(Capability::Attributes);

/// The capabilities of the backend object itself, read without the store.
fn backend_capabilities(w: &dyn World) -> Capabilities {
    match (w.sync_store(), w.async_store()) {
        (Some(s), _) => s.backend().capabilities(),
        (_, Some(s)) => s.backend().capabilities(),
        _ => panic!("a world must expose its store"),
    }
}

/// The name of the backend object itself, read without the store.
fn backend_name(w: &dyn World) -> &'static str {
    match (w.sync_store(), w.async_store()) {
        (Some(s), _) => s.backend().name(),
        (_, Some(s)) => s.backend().name(),
        _ => panic!("a world must expose its store"),
    }
}

/// Panics if `text` contains a typical secret marker.
#[track_caller]
fn assert_no_secret(what: &str, text: &str) {
    let lower = text.to_lowercase();
    for marker in SECRET_MARKERS {
        assert!(
            !lower.contains(marker),
            "{what} contains the secret marker {marker:?}: {text}"
        );
    }
    // URL userinfo (`scheme://user:pass@host`) must be stripped.
    for (i, _) in text.match_indices("://") {
        let authority = text[i + 3..]
            .split(['/', ' ', '"', '\''])
            .next()
            .unwrap_or("");
        assert!(
            !authority.contains('@'),
            "{what} contains URL userinfo: {text}"
        );
    }
}

/// The exact `Display` of [C-4.3](crate::contract#C-4.3) for `err`.
fn contract_display(err: &Error) -> String {
    let mut out = err.message().to_owned();
    if let Some(path) = err.path() {
        out.push_str(&format!(" | path='{path}'"));
    }
    if let Some(backend) = err.backend() {
        out.push_str(&format!(" | backend='{backend}'"));
    }
    if let Some(cap) = err.capability() {
        out.push_str(&format!(" | capability='{cap}'"));
    }
    out
}

/// Non-empty user metadata.
fn some_metadata() -> WriteOptions {
    WriteOptions::new()
        .overwrite(true)
        .metadata(meta(&[("k", "v")]))
}

/// The paths a gated call of `op` takes: a file argument names `file` (seeded), or `other`
/// (absent) where it is written or is the second file; folders are the root or `k002`.
fn gated_paths(op: &Operation, file: &str, other: &str) -> Vec<String> {
    let mut files = 0;
    op.paths()
        .map(|(_, role)| match role {
            PathRole::File => {
                files += 1;
                let written = op.mutates && op.takes_content();
                (if files > 1 || written { other } else { file }).to_owned()
            }
            PathRole::Subfolder => "k002".to_owned(),
            PathRole::Pattern => "**/*.txt".to_owned(),
            _ => String::new(),
        })
        .collect()
}

/// Every call `cap` gates, each with what it returned: every operation of the table with that
/// gate (both values of its flags, streamed content too), or for an argument gate every
/// operation taking content with options that need it; then the stores' conveniences.
async fn gated_calls(
    w: &dyn World,
    cap: Capability,
    file: &str,
    other: &str,
) -> Vec<(String, Result<String>)> {
    let options = [
        create(),
        some_metadata(),
        WriteOptions::new().if_match("\"k002\""),
        WriteOptions::new().content_type("text/plain"),
    ];
    let mut out = Vec::new();
    for op in crate::OPERATIONS {
        let base = CallArgs::new(gated_paths(op, file, other));
        let calls: Vec<(String, CallArgs)> = if op.gate == Some(cap) {
            [false, true]
                .map(|flag| {
                    let args = base.clone().flag(flag).with(create());
                    (format!("{}(flag={flag})", op.name), args)
                })
                .into()
        } else if !Capabilities::GATES.supports(cap) && op.takes_content() {
            options
                .iter()
                .filter(|o| o.required_capabilities().supports(cap))
                .map(|o| (format!("{}+{cap}", op.name), base.clone().with(o.clone())))
                .collect()
        } else {
            continue;
        };
        for (what, args) in calls {
            for streamed in [false, op.takes_content()] {
                if let Some(call) = w.call(op, &args.clone().streamed(streamed)) {
                    out.push((format!("{what} streamed={streamed}"), call.await));
                }
            }
        }
    }
    let data = "gated";
    match cap {
        Capability::Read => out.push(("read_text".into(), shown(w.read_text(file).await))),
        Capability::Write => out.push((
            "write_text".into(),
            shown(w.write_text(other, data, &create()).await),
        )),
        Capability::List => out.push((
            "get_folder_info(max_depth)".into(),
            shown(w.get_folder_info("", Some(3)).await),
        )),
        Capability::Metadata => out.push(("head".into(), shown(w.head(file).await))),
        Capability::UserMetadata => out.push((
            "write_text+metadata".into(),
            shown(w.write_text(other, data, &some_metadata()).await),
        )),
        _ => {}
    }
    out
}

/// What the no-side-effect checks of K-2 compare: the probes of both paths, the file's
/// content where Read is there, and the recursive listing where List is there.
async fn observable_state(w: &dyn World, file: &str, other: &str) -> String {
    let caps = w.capabilities();
    let mut state = format!(
        "exists({file})={:?} exists({other})={:?} is_folder(k002)={:?}",
        w.exists(file).await,
        w.exists(other).await,
        w.is_folder("k002").await
    );
    if caps.supports(Capability::Read) {
        state.push_str(&format!(" content={:?}", w.read_bytes(file).await.ok()));
    }
    if caps.supports(Capability::List) {
        let listing = w
            .list_files("", &ListOptions::new().recursive(true))
            .await
            .map(|items| {
                let mut paths: Vec<String> = items
                    .into_iter()
                    .map(|i| i.map(|f| f.path.to_string()).unwrap_or_default())
                    .collect();
                paths.sort();
                paths
            });
        state.push_str(&format!(" listing={listing:?}"));
    }
    state
}

/// K-1: `name()` is non-empty and is one of the documented backend ids ([C-2.1](crate::contract#C-2.1)); a
/// third-party backend's id is a stable lower-case word (letters, digits, `-`).
pub async fn k001_name_is_documented(w: &dyn World) {
    let name = w.name();
    assert!(!name.is_empty(), "the backend name is empty");
    let third_party_id = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    assert!(
        third_party_id,
        "the backend name {name:?} is not a stable lower-case id (letters, digits, `-`)"
    );
    if let Some(documented) = Declared::current().declared_name() {
        assert_eq!(
            name, documented,
            "the backend's name is not its documented id"
        );
    }
    assert_eq!(
        backend_name(w),
        name,
        "the store's name differs from its backend's"
    );
    let child = w.child("k001").expect("child store");
    assert_eq!(child.name(), name, "a child store changed the name");
    assert!(
        w.debug().contains(&format!("backend: {name:?}")),
        "Debug of the store does not show the backend name: {}",
        w.debug()
    );
}

/// K-2: `capabilities()` is within the declared set and stable; each gated method without
/// its gate is `Unsupported(gate)` with no side effect.
pub async fn k002_gates_are_enforced(w: &dyn World) {
    let caps = w.capabilities();
    assert_eq!(
        caps,
        backend_capabilities(w),
        "the store's capabilities differ from its backend's"
    );
    if let Some(declared) = Declared::current().declared_capabilities() {
        assert!(
            declared.contains(caps),
            "capabilities [{caps}] exceed the declared set [{declared}] of {}",
            w.name()
        );
    }
    let child = w.child("k002").expect("child store");
    assert_eq!(
        child.capabilities(),
        caps,
        "a child store changed the capabilities"
    );

    let (file, other) = ("k002/file.txt", "k002/other.txt");
    seed_if_possible(w, &[(file, "seeded")]).await;
    let before = observable_state(w, file, other).await;

    // Missing gates first, so the checks of "no side effect" see an untouched store.
    for cap in REFUSABLE.iter().filter(|c| !caps.supports(*c)) {
        let calls = gated_calls(w, cap, file, other).await;
        assert!(!calls.is_empty(), "no call of the table is gated by {cap}");
        for (what, result) in calls {
            expect_err(
                w,
                &format!("{what} without {cap}"),
                result,
                ErrorKind::Unsupported(cap),
            );
        }
        assert_eq!(
            observable_state(w, file, other).await,
            before,
            "a call refused for lack of {cap} had a side effect"
        );
    }
    // Present gates are never refused for that gate.
    for cap in REFUSABLE.iter().filter(|c| caps.supports(*c)) {
        for (what, result) in gated_calls(w, cap, file, other).await {
            if let Err(err) = result {
                assert_ne!(
                    err.kind(),
                    ErrorKind::Unsupported(cap),
                    "{what} is refused although {cap} is declared: {err}"
                );
            }
        }
    }
    assert_eq!(w.capabilities(), caps, "capabilities changed during use");
    assert_eq!(
        backend_capabilities(w),
        caps,
        "the backend's capabilities changed during use"
    );
}

/// K-3: `Debug`/`Display` of the store, resolution plans and errors show no secret.
pub async fn k003_no_secrets_in_debug(w: &dyn World) {
    assert_no_secret("Debug of the store", &w.debug());
    let child = w.child("k003/sub").expect("child store");
    assert_no_secret("Debug of a child store", &child.debug());
    assert_no_secret("Display of the capabilities", &w.capabilities().to_string());
    assert_no_secret(
        "Debug of the capabilities",
        &format!("{:?}", w.capabilities()),
    );
    for key in ["", "k003/file.txt"] {
        let plan = w.resolve(key).expect("resolve");
        assert_no_secret("a ResolutionPlan", &format!("{plan:?}"));
        let native = w.native_path(key).expect("native_path");
        assert_no_secret("a native path", &native);
    }

    let mut errors: Vec<Error> = Vec::new();
    errors.extend(w.read_bytes("k003/missing.txt").await.err());
    errors.extend(w.get_file_info("k003/missing.txt").await.err());
    errors.extend(w.write("", Bytes::from_static(b"x"), &create()).await.err());
    errors.extend(w.exists("k003/\0").await.err());
    errors.extend(w.delete("k003/missing.txt", false).await.err());
    errors.extend(w.glob("a**").await.err());
    errors.extend(child.to_key("\0").err());
    errors.extend(w.child("..").err());
    errors.extend(Capabilities::empty().require(Capability::Read).err());
    assert!(
        errors.len() >= 5,
        "expected failing calls to fail, got only {} errors",
        errors.len()
    );
    for err in &errors {
        assert_no_secret("Display of an error", &err.to_string());
        assert_no_secret("Debug of an error", &format!("{err:?}"));
    }
}

/// K-4: `close()` is `Ok` and idempotent; closing a child leaves the parent working.
pub async fn k004_close_is_idempotent(w: &dyn World) {
    let caps = w.capabilities();
    let can_write = caps.supports(Capability::Write) && caps.supports(Capability::Read);
    if can_write {
        seed(w, &[("k004/before.txt", "before")]).await;
    }
    if let Some(s) = w.sync_store() {
        assert!(
            !s.child("k004").unwrap().owns_backend(),
            "a child must not own the backend"
        );
    }
    if let Some(s) = w.async_store() {
        assert!(
            !s.child("k004").unwrap().owns_backend(),
            "a child must not own the backend"
        );
    }

    let child = w.child("k004").expect("child store");
    child.close().await.expect("closing a child");
    child.close().await.expect("closing a child twice");
    let grandchild = child.child("deeper").expect("grandchild store");
    grandchild.close().await.expect("closing a grandchild");

    w.ping().await.expect("ping after a child's close");
    assert!(
        w.exists("").await.expect("exists after a child's close"),
        "the root vanished after a child's close"
    );
    if can_write {
        assert_eq!(
            w.read_bytes("k004/before.txt")
                .await
                .expect("read after a child's close"),
            "before",
            "content changed after a child's close"
        );
        w.write("k004/after.txt", Bytes::from_static(b"after"), &create())
            .await
            .expect("write after a child's close");
        assert_eq!(
            w.read_bytes("k004/after.txt")
                .await
                .expect("read back after a child's close"),
            "after"
        );
    }

    w.close().await.expect("close");
    w.close().await.expect("a second close");
    w.close().await.expect("a third close");
}

/// A type no backend exposes.
#[derive(Debug)]
struct Unrelated;

/// K-5: `unwrap::<UnrelatedType>()` is `None`.
pub async fn k005_unwrap_unrelated_is_none(w: &dyn World) {
    // No shipped backend documents a native type reachable from this crate's dependencies
    // (the memory backends document none), so only the unrelated cases are checked here.
    if let Some(s) = w.sync_store() {
        assert!(s.unwrap::<Unrelated>().is_none(), "unwrap::<Unrelated>");
        assert!(s.unwrap::<String>().is_none(), "unwrap::<String>");
        assert!(s.unwrap::<u8>().is_none(), "unwrap::<u8>");
        assert!(
            s.child("k005").unwrap().unwrap::<Unrelated>().is_none(),
            "unwrap::<Unrelated> on a child"
        );
        assert!(
            s.backend()
                .unwrap_native(TypeId::of::<Unrelated>())
                .is_none(),
            "unwrap_native(Unrelated) at the backend"
        );
    }
    if let Some(s) = w.async_store() {
        assert!(s.unwrap::<Unrelated>().is_none(), "unwrap::<Unrelated>");
        assert!(s.unwrap::<String>().is_none(), "unwrap::<String>");
        assert!(s.unwrap::<u8>().is_none(), "unwrap::<u8>");
        assert!(
            s.child("k005").unwrap().unwrap::<Unrelated>().is_none(),
            "unwrap::<Unrelated> on a child"
        );
        assert!(
            s.backend()
                .unwrap_native(TypeId::of::<Unrelated>())
                .is_none(),
            "unwrap_native(Unrelated) at the backend"
        );
    }
}

/// K-6: `Capabilities::require(missing)` is `Unsupported(missing)`, displayed by snake-case
/// name.
pub async fn k006_require_missing_is_unsupported(w: &dyn World) {
    let names = [
        (Capability::Read, "read"),
        (Capability::Write, "write"),
        (Capability::Delete, "delete"),
        (Capability::List, "list"),
        (Capability::Glob, "glob"),
        (Capability::Move, "move"),
        (Capability::Copy, "copy"),
        (Capability::AtomicWrite, "atomic_write"),
        (Capability::Metadata, "metadata"),
        (Capability::UserMetadata, "user_metadata"),
        (Capability::ConditionalWrite, "conditional_write"),
        (Capability::Attributes, "attributes"),
        (Capability::AtomicMove, "atomic_move"),
        (Capability::SeekableRead, "seekable_read"),
        (Capability::LazyRead, "lazy_read"),
        (Capability::WriteResultNative, "write_result_native"),
    ];
    assert_eq!(names.len(), Capability::ALL.len());
    let caps = w.capabilities();
    for (cap, name) in names {
        assert_eq!(cap.as_str(), name, "snake-case name of {cap:?}");
        assert_eq!(cap.to_string(), name, "Display of {cap:?}");
        for set in [
            caps,
            Capabilities::empty(),
            Capabilities::all().without(cap),
        ] {
            if set.supports(cap) {
                assert!(set.require(cap).is_ok(), "require({name}) on [{set}]");
                continue;
            }
            let err = set
                .require(cap)
                .expect_err(&format!("require({name}) on [{set}] must fail"));
            assert_eq!(err.kind(), ErrorKind::Unsupported(cap), "kind: {err}");
            assert_eq!(err.capability(), Some(cap), "capability(): {err}");
            assert!(!err.is_retryable(), "Unsupported is not retryable: {err}");
            let shown = err.to_string();
            assert!(
                shown.contains(&format!("capability='{name}'")),
                "Display does not name {name}: {shown}"
            );
            for supported in set.iter() {
                assert!(
                    err.message().contains(supported.as_str()),
                    "the message does not list the supported {supported}: {shown}"
                );
            }
        }
    }
}

/// K-7: `to_key(native_path(k)) == k` for `some/key` and the root; `native_path(root)` is
/// the bare root.
pub async fn k007_to_key_inverts_native_path(w: &dyn World) {
    for (spelled, normal) in [
        ("some/key", "some/key"),
        ("/some//key/", "some/key"),
        ("some\\key", "some/key"),
        ("", ""),
        (".", ""),
    ] {
        let native = w
            .native_path(spelled)
            .unwrap_or_else(|e| panic!("native_path({spelled:?}): {e}"));
        let key = w
            .to_key(&native)
            .unwrap_or_else(|e| panic!("to_key({native:?}) of {spelled:?}: {e}"));
        assert_eq!(
            key.as_str(),
            normal,
            "to_key(native_path({spelled:?})) with native {native:?}"
        );
    }
    let root = w.native_path("").expect("native_path(root)");
    assert_eq!(
        w.native_path(".").expect("native_path(\".\")"),
        root,
        "both root spellings have one native path"
    );
    assert!(
        root.len() <= 1 || !root.ends_with(['/', '\\']),
        "native_path(root) is not bare: {root:?}"
    );
    let some = w.native_path("some/key").unwrap();
    assert!(
        some.starts_with(&root) && some != root,
        "native_path(some/key) = {some:?} does not extend the bare root {root:?}"
    );

    // Directly at the backend, with full keys.
    let key = StorePath::new("some/key").unwrap();
    let checks: Vec<(String, String, String)> = match (w.sync_store(), w.async_store()) {
        (Some(s), _) => {
            let b = s.backend();
            [StorePath::root(), key]
                .iter()
                .map(|k| {
                    let n = b.native_path(k);
                    (k.to_string(), b.to_key(&n), n)
                })
                .collect()
        }
        (_, Some(s)) => {
            let b = s.backend();
            [StorePath::root(), key]
                .iter()
                .map(|k| {
                    let n = b.native_path(k);
                    (k.to_string(), b.to_key(&n), n)
                })
                .collect()
        }
        _ => unreachable!(),
    };
    for (key, back, native) in checks {
        assert_eq!(
            back, key,
            "backend to_key(native_path({key:?})) = to_key({native:?})"
        );
    }
}

/// K-8: `resolve(p)` keeps `p` as spelled, names the backend and agrees with `native_path`;
/// its details hold no secret.
pub async fn k008_resolve_plan(w: &dyn World) {
    for p in ["simple.txt", "dir/sub/file.txt", "", ".", "/dir//sub/"] {
        let plan = w
            .resolve(p)
            .unwrap_or_else(|e| panic!("resolve({p:?}): {e}"));
        assert_eq!(plan.key, p, "resolve({p:?}).key must be the key as spelled");
        assert_eq!(plan.kind, w.name(), "resolve({p:?}).kind");
        assert_eq!(plan.backend, w.name(), "resolve({p:?}).backend");
        assert_eq!(
            plan.native_path,
            w.native_path(p).unwrap(),
            "resolve({p:?}).native_path"
        );
        assert_no_secret("ResolutionPlan.details", &format!("{:?}", plan.details));
        if let Some(allowed) = Declared::current().declared_details() {
            for key in plan.details.keys() {
                assert!(
                    allowed.contains(&key.as_str()),
                    "resolve({p:?}).details has {key:?}, not a locating fact of {} ({allowed:?})",
                    w.name()
                );
            }
        }
    }
    for bad in ["/", "a/../b", "a\0b"] {
        expect_err(
            w,
            &format!("resolve({bad:?})"),
            w.resolve(bad),
            ErrorKind::InvalidPath,
        );
    }
}

/// K-9: no backend declares a flag without the gates of the operations it needs ([C-2.2](crate::contract#C-2.2)); a
/// fixture that declares its documented set ([C-5.4](crate::contract#C-5.4)) matches it exactly.
pub async fn k009_declared_flags_match_contract(w: &dyn World) {
    let name = w.name();
    let caps = w.capabilities();
    // No flag without what it needs: each operation the definition says it needs, whose gate
    // must then be declared (C-2.2).
    for flag in caps.iter().filter(|c| !Capabilities::GATES.supports(*c)) {
        for op in crate::OPERATIONS
            .iter()
            .filter(|op| op.flags.contains(&flag))
        {
            if let Some(gate) = op.gate {
                assert!(
                    caps.supports(gate),
                    "{name}: {flag} declared without {gate}, the gate of {} ([{caps}])",
                    op.name
                );
            }
        }
    }
    assert_eq!(
        backend_capabilities(w),
        caps,
        "{name}: the store and backend sets differ"
    );
    let Some(expected) = Declared::current().declared_capabilities() else {
        return;
    };
    let caps = w.capabilities();
    for cap in Capability::ALL {
        assert_eq!(
            caps.supports(cap),
            expected.supports(cap),
            "{name}: {} {cap} (declared [{caps}], C-5.4 says [{expected}])",
            if expected.supports(cap) {
                "must declare"
            } else {
                "must not declare"
            },
        );
    }
    assert_eq!(
        backend_capabilities(w),
        expected,
        "{name}: the backend's own set"
    );
}

/// K-10: `ping()` is `Ok`; every error has a kind, a non-empty message, the backend's name,
/// and the exact `Display` of [C-4.3](crate::contract#C-4.3).
pub async fn k010_ping_and_error_shape(w: &dyn World) {
    w.ping().await.expect("ping on a healthy fixture");
    w.ping().await.expect("a second ping");

    let caps = w.capabilities();
    let name = w.name();
    let missing = "k010/missing.txt";
    let file = "k010/file.txt";
    let mut errors: Vec<(&str, ErrorKind, Result<String>)> = vec![
        (
            "write(root)",
            ErrorKind::InvalidPath,
            shown(w.write("", Bytes::from_static(b"x"), &create()).await),
        ),
        (
            "exists(NUL)",
            ErrorKind::InvalidPath,
            shown(w.exists("k010/a\0b").await),
        ),
        (
            "list_files(\"/\")",
            ErrorKind::InvalidPath,
            shown(w.list_files("/", &ListOptions::new()).await),
        ),
        (
            "glob(a**)",
            ErrorKind::InvalidArgument,
            shown(w.glob("a**").await),
        ),
        (
            "native_path(..)",
            ErrorKind::InvalidPath,
            shown(w.native_path("..")),
        ),
        (
            "child(..)",
            ErrorKind::InvalidPath,
            w.child("..").map(|_| "a child".to_owned()),
        ),
    ];
    let read_kind = |k: ErrorKind, cap: Capability| {
        if caps.supports(cap) {
            k
        } else {
            ErrorKind::Unsupported(cap)
        }
    };
    errors.push((
        "read_bytes(missing)",
        read_kind(ErrorKind::NotFound, Capability::Read),
        shown(w.read_bytes(missing).await),
    ));
    errors.push((
        "get_file_info(missing)",
        read_kind(ErrorKind::NotFound, Capability::Metadata),
        shown(w.get_file_info(missing).await),
    ));
    errors.push((
        "delete(missing)",
        read_kind(ErrorKind::NotFound, Capability::Delete),
        shown(w.delete(missing, false).await),
    ));
    if caps.supports(Capability::Write) {
        w.write(file, Bytes::from_static(b"\xff\xfe"), &replace())
            .await
            .expect("seeding");
        errors.push((
            "write(existing)",
            ErrorKind::AlreadyExists,
            shown(w.write(file, Bytes::from_static(b"x"), &create()).await),
        ));
        errors.push((
            "read_text(invalid UTF-8)",
            read_kind(ErrorKind::InvalidData, Capability::Read),
            shown(w.read_text(file).await),
        ));
        errors.push((
            "delete_folder(file)",
            read_kind(ErrorKind::InvalidPath, Capability::Delete),
            shown(w.delete_folder(file, &DeleteFolderOptions::new()).await),
        ));
    }
    // One error straight from the backend, which must carry its name too.
    let direct = match (w.sync_store(), w.async_store()) {
        (Some(s), _) => shown(s.backend().read_bytes(&StorePath::new(missing).unwrap())),
        (_, Some(s)) => shown(
            s.backend()
                .read_bytes(&StorePath::new(missing).unwrap())
                .await,
        ),
        _ => unreachable!(),
    };
    errors.push((
        "backend read_bytes(missing)",
        read_kind(ErrorKind::NotFound, Capability::Read),
        direct,
    ));

    for (what, kind, result) in errors {
        let err = expect_err(w, what, result, kind);
        assert_eq!(err.backend(), Some(name), "{what}: backend()");
        assert_eq!(
            err.to_string(),
            contract_display(&err),
            "{what}: Display must be <message>[ | path][ | backend][ | capability]"
        );
        assert!(
            !err.is_retryable(),
            "{what}: a {kind:?} is not retryable: {err}"
        );
        match kind {
            ErrorKind::NotFound => assert!(
                err.path().is_some_and(|p| p.ends_with(missing)),
                "{what}: path() must name {missing:?}: {err:?}"
            ),
            ErrorKind::AlreadyExists => {
                assert_eq!(err.path(), Some(file), "{what}: path(): {err:?}")
            }
            ErrorKind::InvalidPath if what == "write(root)" => {
                assert_eq!(err.path(), Some(""), "{what}: path(): {err:?}")
            }
            _ => {}
        }
    }
}

// The items of this file and the groups they run in.
kit_items! { $ __kit_identity;
    all [
        k001_name_is_documented,
        k002_gates_are_enforced,
        k003_no_secrets_in_debug,
        k004_close_is_idempotent,
        k005_unwrap_unrelated_is_none,
        k006_require_missing_is_unsupported,
        k007_to_key_inverts_native_path,
        k008_resolve_plan,
        k009_declared_flags_match_contract,
        k010_ping_and_error_shape,
    ]
}
