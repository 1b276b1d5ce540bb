//! The serde forms of the value types: what they look like, that they round-trip, and that a
//! path is validated on the way in.

use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

use serde_json::json;
use store::{
    Attribute, Attributes, Capabilities, Capability, Entry, ErrorKind, FileInfo, FolderEntry,
    FolderInfo, MemoryBackend, Store, StorePath, WriteOptions, WriteResult,
};

fn round_trip<T>(value: &T) -> serde_json::Value
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_value(value).expect("serialize");
    let back: T = serde_json::from_value(json.clone()).expect("deserialize");
    assert_eq!(&back, value, "round trip of {json}");
    json
}

#[test]
fn store_path_is_a_validated_string() {
    let path = StorePath::new("a/b.txt").unwrap();
    assert_eq!(round_trip(&path), json!("a/b.txt"));
    assert_eq!(round_trip(&StorePath::root()), json!(""));
    let normalised: StorePath = serde_json::from_value(json!("a//./b.txt")).unwrap();
    assert_eq!(normalised, path);
    for bad in ["a/../b", "a\u{0}b", "/"] {
        let err = serde_json::from_value::<StorePath>(json!(bad)).unwrap_err();
        let ours = StorePath::folder(bad).unwrap_err().to_string();
        assert_eq!(err.to_string(), ours, "{bad:?}");
    }
}

#[test]
fn capabilities_are_a_list_of_names() {
    let caps = Capabilities::of(&[Capability::Read, Capability::ConditionalWrite]);
    assert_eq!(round_trip(&caps), json!(["read", "conditional_write"]));
    let all = Capabilities::all();
    let names = round_trip(&all);
    assert_eq!(names.as_array().unwrap().len(), Capability::ALL.len());
    for cap in Capability::ALL {
        assert_eq!(serde_json::to_value(cap).unwrap(), json!(cap.as_str()));
    }
    assert!(serde_json::from_value::<Capabilities>(json!(["read", "teleport"])).is_err());
}

#[test]
fn entries_and_results_round_trip() {
    let store = Store::new(MemoryBackend::new());
    let opts = WriteOptions::new()
        .metadata(BTreeMap::from([("k".to_owned(), "v".to_owned())]))
        .attributes(
            Attributes::new()
                .with(Attribute::ContentLanguage, "en")
                .with_content_type("text/plain"),
        );
    let written: WriteResult = store.write("docs/a.txt", "hello", &opts).unwrap();
    let json = round_trip(&written);
    assert_eq!(json["path"], json!("docs/a.txt"));
    assert_eq!(json["source"], json!("native"));

    let info: FileInfo = store.get_file_info("docs/a.txt").unwrap();
    let json = round_trip(&info);
    assert_eq!(
        json["attributes"],
        json!({"content_type": "text/plain", "content_language": "en"})
    );
    assert_eq!(json["metadata"], json!({"k": "v"}));

    let folder = FolderEntry::new(StorePath::new("docs").unwrap());
    for entry in [Entry::File(info.clone()), Entry::Folder(folder.clone())] {
        let json = round_trip(&entry);
        let tag = if matches!(entry, Entry::File(_)) {
            "file"
        } else {
            "folder"
        };
        assert_eq!(json["type"], json!(tag));
    }
    round_trip(&folder);

    let mut aggregate = FolderInfo::empty(StorePath::root());
    aggregate.add(&FileInfo::new(
        StorePath::new("x").unwrap(),
        7,
        Some(UNIX_EPOCH + Duration::new(1_700_000_000, 123)),
    ));
    let json = round_trip(&aggregate);
    assert_eq!(json["file_count"], json!(1));
}

#[test]
fn a_bad_path_inside_a_document_is_refused() {
    let store = Store::new(MemoryBackend::new());
    store.write("a.txt", "x", &WriteOptions::new()).unwrap();
    let mut json = serde_json::to_value(store.get_file_info("a.txt").unwrap()).unwrap();
    json["path"] = json!("../escape");
    let err = serde_json::from_value::<FileInfo>(json).unwrap_err();
    assert!(err.to_string().contains(".."), "{err}");
    // The crate's own error for the same string, for comparison.
    assert_eq!(
        StorePath::new("../escape").unwrap_err().kind(),
        ErrorKind::InvalidPath
    );
}
