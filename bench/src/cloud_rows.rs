//! S3 (moto) and Azure Blob (Azurite): `store`'s backends in both worlds against
//! object_store's own client called directly, on the same test server, in one run
//! (`bench cloud [--quick]`), then the HTTP requests each operation makes on each side, and
//! the peak RSS of a 1 GiB streamed upload.
//!
//! The servers are the test servers of `scripts/servers.sh` (its `STORE_TEST_S3_*` and
//! `STORE_TEST_AZURE_*` variables). Each cell is the median over rounds of one whole job (100
//! puts, a 64 MiB streamed put, ...); the contenders take turns within each round. Requests
//! are counted at the HTTP transport by a `RequestLog` on both sides.

use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use futures::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3Builder, S3ConditionalPut, S3CopyIfNotExists};
use object_store::azure::MicrosoftAzureBuilder;
use object_store::buffered::BufWriter;
use object_store::path::Path as OsPath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use store::interop::object_store::{ObjectStoreBackend, RequestLog};
use store::{
    AsyncContent, AsyncStore, AzureBuilder, Bytes, Content, DeleteFolderOptions, ListOptions,
    S3Builder, Store, WriteOptions,
};
use tokio::io::AsyncWriteExt;
use tokio::runtime::Runtime;

use crate::config::server_var as var;
use crate::report::{count_label, size_label, Row, Section};
use crate::timing::{median, run_jobs, time, Job};
use crate::BenchResult;

/// Sizes of the cloud rows.
struct Sizes {
    rounds: usize,
    small_files: usize,
    list_files: usize,
    big: usize,
}

/// The two services.
#[derive(Clone, Copy, PartialEq)]
pub enum Service {
    S3,
    Azure,
}

impl Service {
    fn name(self) -> &'static str {
        match self {
            Service::S3 => "S3 (moto)",
            Service::Azure => "Azure Blob (Azurite)",
        }
    }

    /// `store`'s backend below `prefix`, its requests logged in `log`.
    pub fn ours(self, prefix: &str, log: &RequestLog) -> BenchResult<ObjectStoreBackend> {
        Ok(match self {
            Service::S3 => S3Builder::new()
                .endpoint(var("STORE_TEST_S3_ENDPOINT")?)
                .allow_http(true)
                .bucket(var("STORE_TEST_S3_BUCKET")?)
                .prefix(prefix)
                .region("us-east-1")
                .credentials("bench", "bench-secret")
                .http_connector(log.clone())
                .build()?,
            Service::Azure => AzureBuilder::new()
                .endpoint(var("STORE_TEST_AZURE_ENDPOINT")?)
                .allow_http(true)
                .account(var("STORE_TEST_AZURE_ACCOUNT")?)
                .access_key(var("STORE_TEST_AZURE_KEY")?)
                .container(var("STORE_TEST_AZURE_CONTAINER")?)
                .prefix(prefix)
                .http_connector(log.clone())
                .build()?,
        })
    }

    /// object_store's client for the same container, as its docs build it (keys carry the
    /// prefix themselves).
    pub fn direct(self, log: &RequestLog) -> BenchResult<Arc<dyn ObjectStore>> {
        Ok(match self {
            Service::S3 => Arc::new(
                AmazonS3Builder::new()
                    .with_endpoint(var("STORE_TEST_S3_ENDPOINT")?)
                    .with_allow_http(true)
                    .with_virtual_hosted_style_request(false)
                    .with_bucket_name(var("STORE_TEST_S3_BUCKET")?)
                    .with_region("us-east-1")
                    .with_access_key_id("bench")
                    .with_secret_access_key("bench-secret")
                    .with_conditional_put(S3ConditionalPut::ETagMatch)
                    .with_copy_if_not_exists(S3CopyIfNotExists::Multipart)
                    .with_http_connector(log.clone())
                    .build()?,
            ),
            Service::Azure => Arc::new(
                MicrosoftAzureBuilder::new()
                    .with_endpoint(var("STORE_TEST_AZURE_ENDPOINT")?)
                    .with_allow_http(true)
                    .with_account(var("STORE_TEST_AZURE_ACCOUNT")?)
                    .with_access_key(var("STORE_TEST_AZURE_KEY")?)
                    .with_container_name(var("STORE_TEST_AZURE_CONTAINER")?)
                    .with_http_connector(log.clone())
                    .build()?,
            ),
        })
    }
}

/// The cloud sections: `bench cloud [--quick]`.
pub fn section(quick: bool) -> BenchResult<String> {
    let sizes = if quick {
        Sizes {
            rounds: 3,
            small_files: 20,
            list_files: 1_000,
            big: 16 << 20,
        }
    } else {
        Sizes {
            rounds: 9,
            small_files: 100,
            list_files: 1_000,
            big: 64 << 20,
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut out = String::new();
    for service in [Service::S3, Service::Azure] {
        eprintln!("cloud: {}", service.name());
        out.push_str(&timed(&rt, service, &sizes)?.render());
        out.push('\n');
    }
    for service in [Service::S3, Service::Azure] {
        eprintln!("cloud: requests on {}", service.name());
        out.push_str(&requests(&rt, service, quick)?);
        out.push('\n');
    }
    if !quick {
        out.push_str(&upload_rss()?);
    }
    Ok(out)
}

/// A unique prefix per run and purpose.
fn prefix(what: &str) -> String {
    format!("bench-{}-{what}", std::process::id())
}

/// `content` as a stream of 1 MiB chunks that share its buffer.
fn chunks(content: &Bytes) -> impl futures::Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    let content = content.clone();
    let n = content.len().div_ceil(1 << 20);
    futures::stream::iter(
        (0..n).map(move |i| Ok(content.slice(i << 20..((i + 1) << 20).min(content.len())))),
    )
}

/// The timed rows of one service.
fn timed(rt: &Runtime, service: Service, sizes: &Sizes) -> BenchResult<Section> {
    let log = RequestLog::new();
    let root = prefix("timed");
    let backend = service.ours(&root, &log)?;
    let ours = AsyncStore::new(backend.clone());
    let blocking = Store::new(backend);
    let direct = service.direct(&log)?;
    let key = |name: &str| OsPath::from(format!("{root}/{name}"));
    let n = sizes.small_files;
    let small = Bytes::from(crate::data::content(4 << 10, 7));
    let big = Bytes::from(crate::data::content(sizes.big, 8));

    // What the reads and the listing find.
    rt.block_on(async {
        let puts = (0..sizes.list_files.max(n)).map(|i| {
            let (ours, small) = (&ours, small.clone());
            async move {
                let write = WriteOptions::new().overwrite(true);
                ours.write(format!("list/f{i:05}"), small, &write).await
            }
        });
        futures::stream::iter(puts)
            .buffer_unordered(16)
            .try_collect::<Vec<_>>()
            .await?;
        let write = WriteOptions::new().overwrite(true);
        ours.write("big", big.clone(), &write).await?;
        BenchResult::Ok(())
    })?;

    let mut section = Section::new(
        &format!("Cloud: {}", service.name()),
        "store's backend through AsyncStore and the blocking Store · object_store's own \
         client called directly; one server on loopback; ratios to object_store",
        &["store (AsyncStore)", "store (Store)", "object_store direct"],
        2,
    );
    let create = WriteOptions::new();
    let overwrite = WriteOptions::new().overwrite(true);

    // Create-only puts of fresh keys, each side its own.
    let label = format!("{} × 4 KiB put, create-only", count_label(n));
    let medians = {
        let (ours, blocking, direct, small) = (&ours, &blocking, &direct, &small);
        let create = &create;
        let (key, mut ra, mut rb, mut rc) = (&key, 0, 0, 0);
        let mut jobs: [Job<'_>; 3] = [
            Box::new(move || {
                ra += 1;
                time(|| {
                    rt.block_on(async {
                        for i in 0..n {
                            ours.write(format!("new/a{ra}-{i}"), small.clone(), create)
                                .await
                                .expect("put");
                        }
                    })
                })
            }),
            Box::new(move || {
                rb += 1;
                time(|| {
                    for i in 0..n {
                        blocking
                            .write(format!("new/b{rb}-{i}"), small.clone(), create)
                            .expect("put");
                    }
                })
            }),
            Box::new(move || {
                rc += 1;
                time(|| {
                    rt.block_on(async {
                        for i in 0..n {
                            let opts = PutOptions {
                                mode: PutMode::Create,
                                ..Default::default()
                            };
                            direct
                                .put_opts(
                                    &key(&format!("new/c{rc}-{i}")),
                                    small.clone().into(),
                                    opts,
                                )
                                .await
                                .expect("put");
                        }
                    })
                })
            }),
        ];
        run_jobs(sizes.rounds, &mut jobs)
    };
    section.push(Row::new(label, medians));

    let mut row = |label: String, jobs: &mut [Job<'_>]| {
        section.push(Row::new(label, run_jobs(sizes.rounds, jobs)));
    };
    let (o, b, d) = (&ours, &blocking, &direct);
    row(
        format!("{} × 4 KiB put, overwrite", count_label(n)),
        &mut [
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        for i in 0..n {
                            o.write(format!("over/{i}"), small.clone(), &overwrite)
                                .await
                                .expect("put");
                        }
                    })
                })
            }),
            Box::new(|| {
                time(|| {
                    for i in 0..n {
                        b.write(format!("over/{i}"), small.clone(), &overwrite)
                            .expect("put");
                    }
                })
            }),
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        for i in 0..n {
                            d.put(&key(&format!("over/{i}")), small.clone().into())
                                .await
                                .expect("put");
                        }
                    })
                })
            }),
        ],
    );
    row(
        format!("{} × 4 KiB get", count_label(n)),
        &mut [
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        for i in 0..n {
                            let got = o.read_bytes(format!("list/f{i:05}")).await.expect("get");
                            assert_eq!(got.len(), 4 << 10);
                        }
                    })
                })
            }),
            Box::new(|| {
                time(|| {
                    for i in 0..n {
                        let got = b.read_bytes(format!("list/f{i:05}")).expect("get");
                        assert_eq!(got.len(), 4 << 10);
                    }
                })
            }),
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        for i in 0..n {
                            let got = d.get(&key(&format!("list/f{i:05}"))).await.expect("get");
                            assert_eq!(got.bytes().await.expect("body").len(), 4 << 10);
                        }
                    })
                })
            }),
        ],
    );
    row(
        format!("{} × head", count_label(n)),
        &mut [
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        for i in 0..n {
                            o.get_file_info(format!("list/f{i:05}"))
                                .await
                                .expect("head");
                        }
                    })
                })
            }),
            Box::new(|| {
                time(|| {
                    for i in 0..n {
                        b.get_file_info(format!("list/f{i:05}")).expect("head");
                    }
                })
            }),
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        for i in 0..n {
                            d.head(&key(&format!("list/f{i:05}"))).await.expect("head");
                        }
                    })
                })
            }),
        ],
    );
    let files = sizes.list_files;
    row(
        format!("list {} files", count_label(files)),
        &mut [
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        let listed: Vec<_> = o
                            .list_files("list", &ListOptions::new())
                            .await
                            .expect("list")
                            .try_collect()
                            .await
                            .expect("list");
                        assert_eq!(listed.len(), files);
                    })
                })
            }),
            Box::new(|| {
                time(|| {
                    let listed = b.list_files("list", &ListOptions::new()).expect("list");
                    assert_eq!(listed.count(), files);
                })
            }),
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        let prefix = key("list");
                        let listed = d.list_with_delimiter(Some(&prefix)).await.expect("list");
                        assert_eq!(listed.objects.len(), files);
                    })
                })
            }),
        ],
    );
    let big_len = big.len();
    row(
        format!("{} streamed put (1 MiB chunks)", size_label(big_len)),
        &mut [
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        let content = AsyncContent::stream(chunks(&big));
                        let wr = o.write("bigput", content, &overwrite).await.expect("put");
                        assert_eq!(wr.size, big_len as u64);
                    })
                })
            }),
            Box::new(|| {
                time(|| {
                    let content = Content::reader(Cursor::new(big.clone()));
                    let wr = b.write("bigput", content, &overwrite).expect("put");
                    assert_eq!(wr.size, big_len as u64);
                })
            }),
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        let mut writer = BufWriter::new(Arc::clone(d), key("bigput"));
                        let mut parts = chunks(&big);
                        while let Some(chunk) = parts.next().await {
                            writer.put(chunk.expect("chunk")).await.expect("put");
                        }
                        writer.shutdown().await.expect("complete");
                    })
                })
            }),
        ],
    );
    row(
        format!("{} get, streamed", size_label(big_len)),
        &mut [
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        let mut stream = o.read("big").await.expect("get");
                        let mut n = 0;
                        while let Some(chunk) = stream.next().await {
                            n += chunk.expect("chunk").len();
                        }
                        assert_eq!(n, big_len);
                    })
                })
            }),
            Box::new(|| {
                time(|| {
                    let mut reader = b.read("big").expect("get");
                    let n = std::io::copy(&mut reader, &mut std::io::sink()).expect("read");
                    assert_eq!(n as usize, big_len);
                })
            }),
            Box::new(|| {
                time(|| {
                    rt.block_on(async {
                        let got = d.get(&key("big")).await.expect("get");
                        let mut stream = got.into_stream();
                        let mut n = 0;
                        while let Some(chunk) = stream.next().await {
                            n += chunk.expect("chunk").len();
                        }
                        assert_eq!(n, big_len);
                    })
                })
            }),
        ],
    );
    let everything = DeleteFolderOptions::new().recursive(true).missing_ok(true);
    rt.block_on(ours.delete_folder("", &everything)).ok();
    Ok(section)
}

/// One line of the request table: what an operation cost each side.
struct Cost {
    what: &'static str,
    ours: Vec<String>,
    direct: Vec<String>,
}

/// The requests table of one service: each operation through `store` and through
/// object_store's client, counted at the transport.
fn requests(rt: &Runtime, service: Service, quick: bool) -> BenchResult<String> {
    let (files, below) = if quick { (90, 160) } else { (900, 1_600) };
    let ours_log = RequestLog::new();
    let direct_log = RequestLog::new();
    let root = prefix("requests");
    let ours = AsyncStore::new(service.ours(&root, &ours_log)?);
    let direct = service.direct(&direct_log)?;
    let key = |name: &str| OsPath::from(format!("{root}/{name}"));
    let costs = rt.block_on(async {
        let small = Bytes::from(vec![7u8; 4096]);
        let create = WriteOptions::new();
        let overwrite = WriteOptions::new().overwrite(true);
        let names: Vec<String> = (0..files)
            .map(|i| format!("d/f{i:04}"))
            .chain((0..below).map(|i| format!("d/sub{}/g{i:04}", i % 16)))
            .chain((0..100).map(|i| format!("many/k{i}")))
            .chain((0..100).map(|i| format!("many2/k{i}")))
            .collect();
        let puts = names
            .iter()
            .map(|name| ours.write(name.as_str(), "x", &create));
        futures::stream::iter(puts)
            .buffer_unordered(16)
            .try_collect::<Vec<_>>()
            .await?;
        ours_log.take();
        let mut costs = Vec::new();
        let mut cost = |what, ours: &RequestLog, direct: &RequestLog| {
            costs.push(Cost {
                what,
                ours: ours.take(),
                direct: direct.take(),
            })
        };
        let create_mode = || PutOptions {
            mode: PutMode::Create,
            ..Default::default()
        };
        ours.write("d/new", small.clone(), &create).await?;
        direct
            .put_opts(
                &key("d/new2"),
                PutPayload::from(small.clone()),
                create_mode(),
            )
            .await?;
        cost("4 KiB put, create-only", &ours_log, &direct_log);
        ours.write("d/new", small.clone(), &overwrite).await?;
        direct.put(&key("d/new2"), small.clone().into()).await?;
        cost("4 KiB put, overwrite", &ours_log, &direct_log);
        ours.read_bytes("d/new").await?;
        direct.get(&key("d/new2")).await?.bytes().await?;
        cost("get", &ours_log, &direct_log);
        ours.get_file_info("d/new").await?;
        direct.head(&key("d/new2")).await?;
        cost("head", &ours_log, &direct_log);
        let one_level: Vec<_> = ours
            .list_files("d", &ListOptions::new())
            .await?
            .try_collect()
            .await?;
        let listed = direct.list_with_delimiter(Some(&key("d"))).await?;
        assert_eq!(one_level.len(), listed.objects.len());
        cost(
            "list_files of a folder, one level (files below it too)",
            &ours_log,
            &direct_log,
        );
        let deep: Vec<_> = ours
            .list_files("d", &ListOptions::new().recursive(true))
            .await?
            .try_collect()
            .await?;
        let all: Vec<_> = direct.list(Some(&key("d"))).try_collect().await?;
        assert_eq!(deep.len(), all.len());
        cost(
            "list_files of that folder, recursive",
            &ours_log,
            &direct_log,
        );
        let folders: Vec<_> = ours
            .list_folders("d", &ListOptions::new())
            .await?
            .try_collect()
            .await?;
        assert_eq!(folders.len(), listed.common_prefixes.len());
        direct.list_with_delimiter(Some(&key("d"))).await?;
        cost("list_folders, one level", &ours_log, &direct_log);
        ours.copy("d/new", "d/f0000", true).await?;
        direct.copy(&key("d/new2"), &key("d/f0001")).await?;
        cost("copy, overwrite", &ours_log, &direct_log);
        ours.copy("d/new", "d/c1", false).await?;
        direct
            .copy_if_not_exists(&key("d/new2"), &key("d/c2"))
            .await?;
        cost("copy, create-only", &ours_log, &direct_log);
        ours.rename("d/c1", "d/f0002", true).await?;
        direct.rename(&key("d/f0001"), &key("d/f0003")).await?;
        cost("rename, overwrite", &ours_log, &direct_log);
        ours.delete("d/f0002", false).await?;
        direct.delete(&key("d/f0003")).await?;
        cost("delete", &ours_log, &direct_log);
        let recursive = DeleteFolderOptions::new().recursive(true);
        ours.delete_folder("many", &recursive).await?;
        let locations = direct
            .list(Some(&key("many2")))
            .map_ok(|m| m.location)
            .boxed();
        direct
            .delete_stream(locations)
            .try_collect::<Vec<_>>()
            .await?;
        cost("delete_folder of 100 files", &ours_log, &direct_log);
        ours.read_bytes("d/none").await.unwrap_err();
        direct.get(&key("d/none")).await.unwrap_err();
        cost("get of a missing file", &ours_log, &direct_log);
        ours.copy("d/none", "d/x", true).await.unwrap_err();
        direct.copy(&key("d/none"), &key("d/y")).await.unwrap_err();
        cost("copy of a missing file", &ours_log, &direct_log);
        ours.delete("d/none", false).await.unwrap_err();
        direct.delete(&key("d/none")).await.ok();
        cost("delete of a missing file", &ours_log, &direct_log);
        let everything = DeleteFolderOptions::new().recursive(true).missing_ok(true);
        ours.delete_folder("", &everything).await.ok();
        BenchResult::Ok(costs)
    })?;
    let mut out = format!(
        "### Requests per operation — {} ({} files in the folder, {} more below it)\n\n\
         | operation | store | object_store direct | store's requests |\n|---|---:|---:|---|\n",
        service.name(),
        count_label(files),
        count_label(below)
    );
    for c in costs {
        let shape: Vec<String> = c.ours.iter().map(|l| shorten(l, &root)).collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            c.what,
            c.ours.len(),
            c.direct.len(),
            shape.join(", ")
        ));
    }
    out.push_str(match service {
        Service::S3 => {
            "\nS3 answers a DELETE of a missing key with success, so object_store's `delete` \
             cannot say NotFound and store's asks with a HEAD first. A create-only copy is a \
             multipart copy at object_store (three requests), a HEAD and a copy at store, which \
             keeps the metadata that way. On a miss store spends one listing to tell a folder \
             (InvalidPath) from nothing (NotFound).\n"
        }
        Service::Azure => {
            "\nOn a miss store spends one listing to tell a folder (InvalidPath) from nothing \
             (NotFound).\n"
        }
    });
    Ok(out)
}

/// A request line without the server's account, bucket and prefix.
fn shorten(line: &str, root: &str) -> String {
    let (method, rest) = line.split_once(' ').unwrap_or((line, ""));
    let what = match rest.split_once('?') {
        Some((_, query)) if query.contains("delimiter") => "LIST (delimited)",
        Some((_, query)) if query.contains("list-type") || query.contains("prefix") => "LIST",
        Some((_, query)) if query.contains("delete") || query.contains("comp") => "batch",
        _ if rest.contains(root) => "object",
        _ => "other",
    };
    format!("`{method} {what}`")
}

/// The upload of the RSS rows: 1 GiB in 1 MiB chunks, each a buffer of its own as a file's
/// would be, freed once sent.
const UPLOAD: usize = 1 << 30;

/// Rounds of the 1 GiB uploads: each a process of its own, the contenders taking turns.
const UPLOAD_ROUNDS: usize = 3;

/// Peak RSS and wall time of a 1 GiB streamed upload to each service, one child process per
/// upload; medians over [`UPLOAD_ROUNDS`] interleaved rounds.
fn upload_rss() -> BenchResult<String> {
    let mut out = format!(
        "### 1 GiB streamed upload — peak RSS of the whole process (VmHWM) and wall time, \
         median of {UPLOAD_ROUNDS} rounds, one process per upload\n\n\
         | service | store (AsyncStore) | object_store direct (`BufWriter`) | time ratio |\n\
         |---|---:|---:|---:|\n"
    );
    for (service, name) in [("s3", "S3 (moto)"), ("azure", "Azure Blob (Azurite)")] {
        let mut samples = [(Vec::new(), Vec::new()), (Vec::new(), Vec::new())];
        for round in 0..UPLOAD_ROUNDS {
            for turn in 0..2 {
                let c = (round + turn) % 2;
                let who = ["store", "object_store"][c];
                eprintln!("cloud: 1 GiB upload, {service}, {who}, round {}", round + 1);
                let start = Instant::now();
                let measured =
                    crate::rss::child(&format!("upload-{service}"), who, Path::new("."))?;
                samples[c].0.push(start.elapsed().as_secs_f64());
                samples[c].1.push(measured.rss_mib);
            }
        }
        let [ours, direct] = samples.map(|(secs, rss)| (median(secs), median(rss)));
        out.push_str(&format!(
            "| {name} | {:.1} MiB, {:.2} s | {:.1} MiB, {:.2} s | {:.2}× |\n",
            ours.1,
            ours.0,
            direct.1,
            direct.0,
            ours.0 / direct.0
        ));
    }
    Ok(out)
}

/// The child's job: the 1 GiB upload by `who` to `service`.
pub async fn upload(service: &str, who: &str) -> BenchResult<()> {
    let service = match service {
        "s3" => Service::S3,
        "azure" => Service::Azure,
        _ => return Err(format!("unknown service {service}").into()),
    };
    let log = RequestLog::new();
    let root = prefix("upload");
    let parts =
        || futures::stream::iter((0..UPLOAD >> 20).map(|i| Bytes::from(vec![i as u8; 1 << 20])));
    match who {
        "store" => {
            let ours = AsyncStore::new(service.ours(&root, &log)?);
            let content = AsyncContent::stream(parts().map(Ok));
            let written = ours
                .write("big", content, &WriteOptions::new().overwrite(true))
                .await?;
            assert_eq!(written.size as usize, UPLOAD);
            ours.delete("big", true).await?;
        }
        "object_store" => {
            let direct = service.direct(&log)?;
            let location = OsPath::from(format!("{root}/big"));
            let mut writer = BufWriter::new(Arc::clone(&direct), location.clone());
            let mut chunks = parts();
            while let Some(chunk) = chunks.next().await {
                writer.put(chunk).await?;
            }
            writer.shutdown().await?;
            assert_eq!(direct.head(&location).await?.size as usize, UPLOAD);
            direct.delete(&location).await?;
        }
        _ => return Err(format!("unknown contender {who}").into()),
    }
    Ok(())
}
