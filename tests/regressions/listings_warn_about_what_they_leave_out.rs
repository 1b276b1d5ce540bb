//! Listings say what they leave out.

use std::fs;
use std::sync::{Arc, Mutex};

use store::{ListOptions, Store};

use super::temp;

/// A `tracing` subscriber that keeps every event's fields as text.
#[derive(Default)]
struct Events(Mutex<Vec<String>>);

impl tracing::Subscriber for Events {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Text(String);
        impl tracing::field::Visit for Text {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0 += &format!("{}={:?} ", field.name(), value);
            }
        }
        let mut text = Text(format!("{} ", event.metadata().level()));
        event.record(&mut text);
        self.0.lock().unwrap().push(text.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[cfg(unix)]
#[test]
fn listings_warn_about_every_entry_they_leave_out() {
    use std::os::unix::ffi::OsStrExt;
    let dir = temp();
    let outside = temp();
    let root = dir.path();
    fs::create_dir(root.join("sub")).unwrap();
    fs::write(root.join("sub/ok.txt"), "ok").unwrap();
    fs::write(
        root.join("sub")
            .join(std::ffi::OsStr::from_bytes(b"bad\xff")),
        "",
    )
    .unwrap();
    fs::write(root.join("sub/back\\slash"), "").unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("sub/escape")).unwrap();
    std::os::unix::fs::symlink(root.join("sub/nothing"), root.join("sub/dangling")).unwrap();
    std::os::unix::fs::symlink(root.join("sub"), root.join("sub/loop")).unwrap();
    let store = Store::open_local(root).unwrap();

    let events = Arc::new(Events::default());
    let names: Vec<String> = tracing::subscriber::with_default(Arc::clone(&events), || {
        store
            .list_files("sub", &ListOptions::new())
            .unwrap()
            .map(|f| f.unwrap().name)
            .collect()
    });

    assert_eq!(names, ["ok.txt"]);
    let events = events.0.lock().unwrap();
    for (entry, why) in [
        ("bad\u{fffd}", "not UTF-8"),
        ("back\\\\slash", "backslash"),
        ("escape", "outside the root"),
        ("dangling", "dangling"),
        ("loop", "a loop"),
    ] {
        let hit = events
            .iter()
            .find(|e| e.contains(&format!("entry=\"{entry}\"")))
            .unwrap_or_else(|| panic!("no warning names {entry:?}: {events:#?}"));
        assert!(hit.starts_with("WARN"), "{hit}");
        assert!(hit.contains(why), "{hit}");
        assert!(hit.contains("folder=\"sub\""), "{hit}");
        let root = root.to_string_lossy();
        assert!(!hit.contains(root.as_ref()), "no on-disk path: {hit}");
    }
    assert_eq!(events.len(), 5, "{events:#?}");
}
