//! The printed result: one markdown table per section, each cell the median time per op and
//! its ratio to the section's reference column.

use std::fmt::Write;

/// One row: a label and each contender's median time per op, in nanoseconds.
pub struct Row {
    label: String,
    medians: Vec<f64>,
}

impl Row {
    /// A row from its label and medians (column order of its section).
    pub fn new(label: impl Into<String>, medians: Vec<f64>) -> Row {
        Row {
            label: label.into(),
            medians,
        }
    }
}

/// A table: contenders as columns, operations as rows.
pub struct Section {
    title: String,
    subtitle: String,
    columns: Vec<String>,
    reference: usize,
    rows: Vec<Row>,
}

impl Section {
    /// A section whose ratios are to column `reference`.
    pub fn new(title: &str, subtitle: &str, columns: &[&str], reference: usize) -> Section {
        Section {
            title: title.into(),
            subtitle: subtitle.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            reference,
            rows: Vec::new(),
        }
    }

    /// Adds a row; it must have one median per column.
    pub fn push(&mut self, row: Row) {
        assert_eq!(row.medians.len(), self.columns.len(), "row {}", row.label);
        self.rows.push(row);
    }

    /// The section as markdown.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "### {} — {}\n", self.title, self.subtitle);
        let _ = writeln!(out, "| operation | {} |", self.columns.join(" | "));
        let _ = writeln!(out, "|---|{}", "---:|".repeat(self.columns.len()));
        for row in &self.rows {
            let reference = row.medians[self.reference];
            let cells: Vec<String> = row
                .medians
                .iter()
                .map(|&ns| match (ns.is_nan(), reference.is_nan()) {
                    // A contender that cannot do the operation.
                    (true, _) => "n/a".to_owned(),
                    (false, true) => duration_label(ns),
                    (false, false) => format!("{} ({:.2}×)", duration_label(ns), ns / reference),
                })
                .collect();
            let _ = writeln!(out, "| {} | {} |", row.label, cells.join(" | "));
        }
        out
    }
}

/// `850 ns`, `12.3 µs`, `4.56 ms`: three significant digits.
pub fn duration_label(ns: f64) -> String {
    let (value, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else if ns < 1e9 {
        (ns / 1e6, "ms")
    } else {
        (ns / 1e9, "s")
    };
    if value < 10.0 {
        format!("{value:.2} {unit}")
    } else if value < 100.0 {
        format!("{value:.1} {unit}")
    } else {
        format!("{value:.0} {unit}")
    }
}

/// `4 KiB`, `16 MiB`: a byte count as a row label.
pub fn size_label(bytes: usize) -> String {
    if bytes >= 1 << 30 && bytes.is_multiple_of(1 << 30) {
        format!("{} GiB", bytes >> 30)
    } else if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} B")
    }
}

/// `10 000`: a count with spaces between thousands, as the issue spells it.
pub fn count_label(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(size_label(4096), "4 KiB");
        assert_eq!(size_label(16 << 20), "16 MiB");
        assert_eq!(size_label(1 << 30), "1 GiB");
        assert_eq!(count_label(100_000), "100 000");
        assert_eq!(count_label(999), "999");
        assert_eq!(duration_label(850.0), "850 ns");
        assert_eq!(duration_label(12_345.0), "12.3 µs");
        assert_eq!(duration_label(4_560_000.0), "4.56 ms");
    }
}
