//! Sizes and repetitions of a run: the full run the issue asks for, or `--quick`, a smoke run
//! (under a minute) that exercises every code path with smaller data.

use crate::timing::Plan;

/// Everything a run's size depends on.
#[derive(Clone, Debug)]
pub struct Config {
    /// Whether this is the `--quick` smoke run.
    pub quick: bool,
    /// Timed rounds of every row.
    pub rounds: usize,
    /// Size of the small files (the 4 KiB).
    pub small: usize,
    /// How many small files the read and stat rows cycle through.
    pub read_files: usize,
    /// Files in the folder of the listing row.
    pub list_files: usize,
    /// Size of the big-read file.
    pub big: usize,
    /// Size of the streamed copy of the memory-use rows.
    pub copy_bytes: u64,
    /// Files in the folder of the memory-use listing rows.
    pub rss_files: usize,
    /// Divides every batch size, so the quick run is shorter.
    shrink: usize,
}

impl Config {
    /// The full run: the sizes the issue names.
    pub fn full() -> Config {
        Config {
            quick: false,
            rounds: 30,
            small: 4 << 10,
            read_files: 64,
            list_files: 10_000,
            big: 16 << 20,
            copy_bytes: 1 << 30,
            rss_files: 100_000,
            shrink: 1,
        }
    }

    /// The smoke run: same rows, smaller data, fewer rounds.
    pub fn quick() -> Config {
        Config {
            quick: true,
            rounds: 5,
            list_files: 1_000,
            big: 4 << 20,
            copy_bytes: 64 << 20,
            rss_files: 10_000,
            shrink: 10,
            ..Config::full()
        }
    }

    fn plan(&self, batch: usize) -> Plan {
        Plan {
            rounds: self.rounds,
            batch: (batch / self.shrink).max(1),
        }
    }

    /// Small reads on disk: a few µs each.
    pub fn plan_small_read(&self) -> Plan {
        self.plan(200)
    }

    /// Small writes of new files: tens of µs each.
    pub fn plan_write(&self) -> Plan {
        self.plan(100)
    }

    /// Stats: around a µs each.
    pub fn plan_stat(&self) -> Plan {
        self.plan(500)
    }

    /// Whole-folder listings: milliseconds each.
    pub fn plan_list(&self) -> Plan {
        self.plan(1)
    }

    /// Big reads: milliseconds each.
    pub fn plan_big_read(&self) -> Plan {
        self.plan(4)
    }

    /// In-memory ops: sub-µs to a few µs each.
    pub fn plan_memory(&self) -> Plan {
        self.plan(2_000)
    }
}

/// The value of the test servers' variable `name` (`scripts/servers.sh` exports them), or an
/// error that says how to start the servers.
pub fn server_var(name: &str) -> crate::BenchResult<String> {
    std::env::var(name).map_err(|_| {
        format!(
            "{name} is not set: start the test servers first \
             (`source scripts/servers.sh && servers_install && servers_start`)"
        )
        .into()
    })
}
