//! What each shipped backend documents of itself (the contract's C-2.1 ids, C-5.4 capability
//! sets and C-5.7 resolution details), for `conformance_tests!(…, declared = …)`: the kit
//! checks a fixture against what it is told, and knows no backend by name.

use store::conformance::Declared;
use store::{Capabilities, Capability::*};

const GATES: Capabilities = Capabilities::GATES;

const MEMORY_CAPABILITIES: Capabilities = GATES
    .with(AtomicMove)
    .with(SeekableRead)
    .with(WriteResultNative)
    .with(UserMetadata)
    .with(ConditionalWrite)
    .with(Attributes);

pub const MEMORY: Declared = Declared::new()
    .name("memory")
    .capabilities(MEMORY_CAPABILITIES)
    .details(&[])
    .any_name(true);

/// The memory backend's, but SeekableRead, a flag of blocking streams.
pub const ASYNC_MEMORY: Declared = MEMORY
    .name("async-memory")
    .capabilities(MEMORY_CAPABILITIES.without(SeekableRead));

pub const LOCAL: Declared = Declared::new()
    .name("local")
    .capabilities(
        GATES
            .with(AtomicMove)
            .with(SeekableRead)
            .with(LazyRead)
            .with(WriteResultNative)
            .with(ConditionalWrite),
    )
    .details(&["root", "absolute_path"]);

const CLOUD: Capabilities = GATES
    .with(LazyRead)
    .with(WriteResultNative)
    .with(UserMetadata)
    .with(ConditionalWrite)
    .with(Attributes);

pub const S3: Declared =
    Declared::new()
        .name("s3")
        .capabilities(CLOUD)
        .details(&["bucket", "object_key", "endpoint"]);

pub const AZURE: Declared = Declared::new()
    .name("azure")
    .capabilities(CLOUD)
    .details(&["container", "account_url"]);

pub const SFTP: Declared = Declared::new()
    .name("sftp")
    .capabilities(GATES.without(Glob).with(LazyRead).with(WriteResultNative))
    .details(&["host", "port", "base_path"]);

/// The cloud set but WriteResultNative: a GCS write reports its generation, not an etag.
pub const GCS: Declared = Declared::new()
    .name("gcs")
    .capabilities(CLOUD.without(WriteResultNative))
    .details(&["bucket", "object_name", "endpoint"]);

pub const WEBDAV: Declared = Declared::new()
    .name("webdav")
    .capabilities(GATES.without(Glob).without(AtomicWrite).with(LazyRead))
    .details(&["url"]);

/// A read-only HTTP source: reads and stats, nothing else.
pub const HTTP: Declared = Declared::new()
    .name("http")
    .capabilities(
        Capabilities::empty()
            .with(Read)
            .with(Metadata)
            .with(LazyRead),
    )
    .details(&["url"]);
