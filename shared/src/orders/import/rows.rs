//! The rows of an import as the buyer sent them: a spreadsheet's CSV export or JSON lines,
//! read into numbered rows once, at the edge. What a row means is checked later, against the
//! catalogue and the cart ([`super::import_to_cart`]).

use crate::domain::FieldError;
use crate::orders::LineBody;
use serde::Deserialize;

/// The field that names a CSV body as a whole, as every refusal of a whole body names it.
const WHOLE_BODY: &str = "body";

/// Most rows one import may have.
pub const MAX_IMPORT_ROWS: usize = 500;

/// Body of `POST /cart/import` as JSON.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportLines {
    pub lines: Vec<LineBody>,
}

/// Where a row is, as its sender counts: a CSV file's line (1-based, the header and blank
/// lines counted, as a spreadsheet numbers its rows), or a JSON line's index (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Csv(usize),
    Json(usize),
}

impl Place {
    /// The row number shown to the buyer: 1-based.
    pub fn row(self) -> usize {
        match self {
            Self::Csv(line) => line,
            Self::Json(i) => i + 1,
        }
    }

    /// The field a problem with this row's `column` names: `row[7].sku` for a CSV row,
    /// `lines[6].sku` for a JSON line; the whole row without a column.
    pub fn field(self, column: Option<&str>) -> String {
        let at = match self {
            Self::Csv(line) => format!("row[{line}]"),
            Self::Json(i) => format!("lines[{i}]"),
        };
        match column {
            Some(c) => format!("{at}.{c}"),
            None => at,
        }
    }
}

/// A row's quantity as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawQuantity {
    Missing,
    Text(String),
    Number(i64),
}

/// One row as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    pub place: Place,
    pub sku: String,
    pub quantity: RawQuantity,
    /// How many cells the row has, trailing empty ones aside.
    pub columns: usize,
}

/// Whether rows join the cart or take its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImportMode {
    #[default]
    Merge,
    Replace,
}

impl ImportMode {
    /// `?mode=`: `merge` (the default) or `replace`.
    pub fn parse(raw: Option<&str>) -> Result<Self, FieldError> {
        match raw {
            None | Some("merge") => Ok(Self::Merge),
            Some("replace") => Ok(Self::Replace),
            Some(_) => Err(FieldError::new("mode", "must be merge or replace")),
        }
    }
}

/// An import: its rows, 1 to [`MAX_IMPORT_ROWS`], and its mode.
#[derive(Debug, Clone)]
pub struct CartImport {
    rows: Vec<RawRow>,
    pub mode: ImportMode,
}

impl CartImport {
    pub fn rows(&self) -> &[RawRow] {
        &self.rows
    }

    /// The JSON lines as rows.
    pub fn from_json(body: ImportLines, mode: ImportMode) -> Result<Self, Vec<FieldError>> {
        let rows: Vec<RawRow> = body
            .lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| RawRow {
                place: Place::Json(i),
                sku: l.sku,
                quantity: RawQuantity::Number(l.quantity),
                columns: 2,
            })
            .collect();
        Self::counted(rows, mode, "lines")
    }

    /// A spreadsheet's CSV export as rows: separated by `,`, `;` or tabs (whichever the first
    /// line has most of), fields quoted or not, a UTF-8 byte-order mark and `\r\n` line ends
    /// allowed, a header row recognised by its words and skipped, blank rows skipped.
    pub fn from_csv(bytes: &[u8], mode: ImportMode) -> Result<Self, Vec<FieldError>> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .delimiter(separator(bytes))
            .from_reader(bytes);
        let mut rows = Vec::new();
        let mut lines = LineCounter::default();
        for record in reader.byte_records() {
            let record = record.map_err(|e| {
                vec![FieldError::new(
                    WHOLE_BODY,
                    format!("is not CSV the import can read: {e}"),
                )]
            })?;
            let cells: Vec<String> = record
                .iter()
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect();
            let columns = cells
                .iter()
                .rposition(|c| !c.is_empty())
                .map_or(0, |i| i + 1);
            if columns == 0 {
                continue;
            }
            let offset = record.position().map_or(0, |p| p.byte() as usize);
            let line = lines.line_at(bytes, offset);
            let quantity = match cells.get(1).filter(|q| !q.is_empty()) {
                Some(q) => RawQuantity::Text(q.clone()),
                None => RawQuantity::Missing,
            };
            let row = RawRow {
                place: Place::Csv(line),
                sku: cells[0].clone(),
                quantity,
                columns,
            };
            if rows.is_empty() && is_header(&row) {
                continue;
            }
            rows.push(row);
        }
        Self::counted(rows, mode, WHOLE_BODY)
    }

    fn counted(rows: Vec<RawRow>, mode: ImportMode, field: &str) -> Result<Self, Vec<FieldError>> {
        match rows.len() {
            0 => Err(vec![FieldError::new(
                field,
                "has no rows: send rows of sku and quantity",
            )]),
            n if n > MAX_IMPORT_ROWS => Err(vec![FieldError::new(
                field,
                format!("has {n} rows; at most {MAX_IMPORT_ROWS} can be imported at a time"),
            )]),
            _ => Ok(Self { rows, mode }),
        }
    }
}

/// The line a record starts on, 1-based, as a spreadsheet numbers rows. The csv crate's own
/// line numbers lag behind a record's line ending (`\r\n` above all), and its offsets point at
/// the ending before a record, so lines are counted here, once through the file.
#[derive(Debug, Default)]
struct LineCounter {
    offset: usize,
    newlines: usize,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], offset: usize) -> usize {
        let ending = bytes
            .get(offset..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let start = (offset + ending).min(bytes.len()).max(self.offset);
        self.newlines += bytes[self.offset..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.offset = start;
        self.newlines + 1
    }
}

/// The separator the first line uses most: `,`, `;` (spreadsheets where the decimal mark is a
/// comma) or a tab (cells copied out of a spreadsheet).
fn separator(bytes: &[u8]) -> u8 {
    let first = bytes
        .split(|b| *b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))
        .unwrap_or_default();
    let count = |sep: u8| first.iter().filter(|b| **b == sep).count();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|sep| (count(*sep), *sep == b','))
        .filter(|sep| count(*sep) > 0)
        .unwrap_or(b',')
}

/// Whether the first row is a header: its quantity is no number and one of its cells names
/// a column the way spreadsheets do. A first row that is neither is a row like any other, so
/// a typo in it is reported, not skipped.
fn is_header(row: &RawRow) -> bool {
    const WORDS: [&str; 24] = [
        "sku",
        "skus",
        "item",
        "item no",
        "item number",
        "article",
        "article number",
        "product",
        "product code",
        "code",
        "part number",
        "artikel",
        "artikelnummer",
        "reference",
        "quantity",
        "qty",
        "amount",
        "count",
        "menge",
        "anzahl",
        "pcs",
        "units",
        "aantal",
        "cantidad",
    ];
    let word = |cell: &str| {
        let folded = cell.trim().trim_end_matches(['.', ':']).to_lowercase();
        WORDS.contains(&folded.as_str())
    };
    let numeric = match &row.quantity {
        RawQuantity::Text(q) => whole_number(q).is_some(),
        RawQuantity::Number(_) => true,
        RawQuantity::Missing => false,
    };
    !numeric && (word(&row.sku) || matches!(&row.quantity, RawQuantity::Text(q) if word(q)))
}

/// A quantity cell as a whole number: digits, optionally with a zero fraction of one or two
/// places (`3.00`, `3,0`) as spreadsheets format numbers. `1,000` and `1.000` are refused: a
/// thousands separator in one locale is a decimal mark in another.
pub fn whole_number(cell: &str) -> Option<i64> {
    let t = cell.trim();
    let digits = match t.split_once(['.', ',']) {
        Some((whole, fraction))
            if (1..=2).contains(&fraction.len()) && fraction.bytes().all(|b| b == b'0') =>
        {
            whole
        }
        Some(_) => return None,
        None => t,
    };
    let digits = digits.strip_prefix('+').unwrap_or(digits);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 12 {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> Vec<(usize, String, RawQuantity, usize)> {
        CartImport::from_csv(text.as_bytes(), ImportMode::Merge)
            .unwrap()
            .rows
            .into_iter()
            .map(|r| (r.place.row(), r.sku, r.quantity, r.columns))
            .collect()
    }

    fn q(text: &str) -> RawQuantity {
        RawQuantity::Text(text.into())
    }

    #[test]
    fn a_spreadsheet_export_is_read_with_its_header_bom_crlf_and_quotes_and_rows_keep_their_numbers()
     {
        let rows = csv(
            "\u{FEFF}SKU;Quantity\r\n\"FLOUR-25\";\"3\"\r\n\r\nSUGAR-1 ; 2,00\r\n;;\r\n\"RYE;5\";1;\r\n",
        );
        assert_eq!(
            rows,
            [
                (2, "FLOUR-25".into(), q("3"), 2),
                (4, "SUGAR-1".into(), q("2,00"), 2),
                (6, "RYE;5".into(), q("1"), 2),
            ]
        );
    }

    #[test]
    fn commas_tabs_and_no_header_are_read_too() {
        assert_eq!(
            csv("FLOUR-25,3\nSUGAR-1,1")[1],
            (2, "SUGAR-1".into(), q("1"), 2)
        );
        assert_eq!(csv("FLOUR-25\t3\n")[0], (1, "FLOUR-25".into(), q("3"), 2));
        assert_eq!(csv("Item number,Qty\nA,1")[0].0, 2);
    }

    #[test]
    fn a_first_row_with_a_bad_quantity_is_a_row_not_a_header() {
        assert_eq!(
            csv("FLOUR-25,three\nSUGAR,1")[0],
            (1, "FLOUR-25".into(), q("three"), 2)
        );
    }

    #[test]
    fn missing_quantities_and_extra_columns_are_kept_for_the_rows_check() {
        let rows = csv("A\nB,1,x\nC,2,,\n");
        assert_eq!(rows[0], (1, "A".into(), RawQuantity::Missing, 1));
        assert_eq!(rows[1].3, 3);
        assert_eq!(rows[2].3, 2, "trailing empty cells do not count");
    }

    #[test]
    fn no_rows_or_more_than_500_are_refused_naming_the_body_or_the_lines() {
        let only_header = CartImport::from_csv(b"sku,quantity\n", ImportMode::Merge).unwrap_err();
        assert_eq!(only_header[0].field, "body");
        let many = "A,1\n".repeat(MAX_IMPORT_ROWS + 1);
        let over = CartImport::from_csv(many.as_bytes(), ImportMode::Merge).unwrap_err();
        assert_eq!(over[0].field, "body");
        assert!(over[0].message.contains("501 rows"), "{}", over[0].message);
        let json = ImportLines { lines: Vec::new() };
        assert_eq!(
            CartImport::from_json(json, ImportMode::Merge).unwrap_err()[0].field,
            "lines"
        );
    }

    #[test]
    fn quantities_are_whole_numbers_as_spreadsheets_write_them() {
        assert_eq!(whole_number("12"), Some(12));
        assert_eq!(whole_number("3.00"), Some(3));
        assert_eq!(whole_number("3,0"), Some(3));
        assert_eq!(whole_number("+4"), Some(4));
        for bad in [
            "",
            "3.5",
            "1,000",
            "1.000",
            "-2",
            "1e3",
            "x",
            "99999999999999999999",
        ] {
            assert_eq!(whole_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn rows_name_their_fields_by_the_senders_count() {
        assert_eq!(Place::Csv(7).field(Some("sku")), "row[7].sku");
        assert_eq!(Place::Json(6).field(Some("quantity")), "lines[6].quantity");
        assert_eq!(Place::Json(6).row(), 7);
        assert_eq!(Place::Csv(3).field(None), "row[3]");
    }

    #[test]
    fn the_mode_is_merge_unless_replace_is_asked_for() {
        assert_eq!(ImportMode::parse(None), Ok(ImportMode::Merge));
        assert_eq!(ImportMode::parse(Some("replace")), Ok(ImportMode::Replace));
        assert_eq!(
            ImportMode::parse(Some("REPLACE")).unwrap_err().field,
            "mode"
        );
    }
}
