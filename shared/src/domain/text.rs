//! The rule every name, label, reason and note passes (README "What text is accepted"): text
//! that a person reads in a list, an email or a confirmation dialog must show what it says.
//! Control and format characters, line and paragraph separators, private-use and unassigned
//! code points are refused, so a name cannot render blank, flip the direction of what follows
//! it (U+202E) or break a line in a one-line field.

use unicode_general_category::{GeneralCategory as Gc, get_general_category};

/// Why a text was refused; the message is what the client reads next to the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at least {0} characters")]
    TooShort(usize),
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("must not contain control characters (found {})", code(*.0))]
    Control(char),
    #[error("must not contain invisible or direction-changing characters (found {})", code(*.0))]
    Format(char),
    #[error("must not contain line or paragraph separators (found {})", code(*.0))]
    Separator(char),
    #[error("must not contain private-use or unassigned characters (found {})", code(*.0))]
    Unassigned(char),
    #[error("must not start with a combining mark (found {})", code(*.0))]
    LeadingMark(char),
    #[error("must contain a visible character")]
    Blank,
}

/// `U+202E`: how a refused character is named, since it may not render.
fn code(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// Assigned characters that render as nothing at all, though they are letters or symbols:
/// the Hangul fillers and the blank Braille pattern, the usual stuff of "empty" names.
const BLANK_LOOKALIKES: [char; 5] = ['\u{115F}', '\u{1160}', '\u{3164}', '\u{FFA0}', '\u{2800}'];

fn is_mark(c: char) -> bool {
    matches!(
        get_general_category(c),
        Gc::NonspacingMark | Gc::SpacingMark | Gc::EnclosingMark
    )
}

/// A character a reader sees on its own: not space, not a mark, not a blank look-alike.
fn shows(c: char) -> bool {
    !c.is_whitespace() && !is_mark(c) && !BLANK_LOOKALIKES.contains(&c) && refusal(c).is_none()
}

/// Part of a word, for the joiners: a letter, mark, digit or symbol (emoji are symbols).
fn in_word(c: Option<char>) -> bool {
    c.is_some_and(|c| {
        matches!(
            get_general_category(c),
            Gc::UppercaseLetter
                | Gc::LowercaseLetter
                | Gc::TitlecaseLetter
                | Gc::ModifierLetter
                | Gc::OtherLetter
                | Gc::NonspacingMark
                | Gc::SpacingMark
                | Gc::EnclosingMark
                | Gc::DecimalNumber
                | Gc::LetterNumber
                | Gc::OtherNumber
                | Gc::MathSymbol
                | Gc::CurrencySymbol
                | Gc::ModifierSymbol
                | Gc::OtherSymbol
        )
    })
}

/// Zero-width non-joiner and joiner: format characters that Persian and the Indic scripts
/// need inside words, and emoji sequences (👩‍💻) between symbols.
const JOINERS: [char; 2] = ['\u{200C}', '\u{200D}'];

/// The refusal of a character on its own, whatever surrounds it.
fn refusal(c: char) -> Option<TextError> {
    match get_general_category(c) {
        Gc::Control => Some(TextError::Control(c)),
        Gc::Format => Some(TextError::Format(c)),
        Gc::LineSeparator | Gc::ParagraphSeparator => Some(TextError::Separator(c)),
        Gc::PrivateUse | Gc::Unassigned | Gc::Surrogate => Some(TextError::Unassigned(c)),
        _ => None,
    }
}

/// The first character of `t` that the rule refuses where it stands.
fn first_refused(t: &str) -> Option<TextError> {
    let chars: Vec<char> = t.chars().collect();
    chars.iter().enumerate().find_map(|(i, &c)| {
        let joins_a_word = JOINERS.contains(&c)
            && in_word(i.checked_sub(1).map(|p| chars[p]))
            && in_word(chars.get(i + 1).copied());
        if joins_a_word { None } else { refusal(c) }
    })
}

/// Trimmed text of one line, of `min..=max` characters (not bytes), that shows what it says:
/// for names, labels, reasons and notes.
pub fn bounded_text(raw: &str, min: usize, max: usize) -> Result<String, TextError> {
    let t = raw.trim();
    if let Some(e) = first_refused(t) {
        return Err(e);
    }
    let n = t.chars().count();
    if n < min {
        return Err(if min == 1 {
            TextError::Empty
        } else {
            TextError::TooShort(min)
        });
    }
    if n > max {
        return Err(TextError::TooLong(max));
    }
    if let Some(c) = t.chars().next().filter(|&c| is_mark(c)) {
        return Err(TextError::LeadingMark(c));
    }
    if n > 0 && !t.chars().any(shows) {
        return Err(TextError::Blank);
    }
    Ok(t.to_owned())
}

/// Like [`bounded_text`], for text of several lines (an email's message): line breaks and tabs
/// are kept, `\r\n` becomes `\n`; every line meets the one-line rule's characters.
pub fn multiline_text(raw: &str, min: usize, max: usize) -> Result<String, TextError> {
    let normalised = raw.replace("\r\n", "\n");
    let flattened: String = normalised
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect();
    bounded_text(&flattened, min, max)?;
    Ok(normalised.trim().to_owned())
}

/// A one-line text of bounded length as its own type: built by `parse` from what a client
/// sent, or by `stored` from what the table holds (it met the rule in force when it was
/// written, and a stricter rule since must not make its record unreadable).
macro_rules! bounded_text_type {
    ($(#[$doc:meta])* $name:ident, $min:literal..=$max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, $crate::domain::TextError> {
                $crate::domain::bounded_text(raw, $min, $max).map(Self)
            }

            /// As the table holds it (see [`bounded_text_type`]).
            pub(crate) fn stored(raw: &str) -> Self {
                Self(raw.to_owned())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}
pub(crate) use bounded_text_type;

#[cfg(test)]
mod tests {
    use super::*;

    fn one_line(raw: &str) -> Result<String, TextError> {
        bounded_text(raw, 1, 100)
    }

    #[test]
    fn bounded_text_trims_and_counts_characters_not_bytes() {
        assert_eq!(bounded_text("  Zoë  ", 1, 3).unwrap(), "Zoë");
        assert_eq!(bounded_text("   ", 1, 3), Err(TextError::Empty));
        assert_eq!(bounded_text("abcd", 1, 3), Err(TextError::TooLong(3)));
        assert_eq!(bounded_text("ab", 3, 9), Err(TextError::TooShort(3)));
        assert_eq!(bounded_text("  ", 0, 9).unwrap(), "");
    }

    #[test]
    fn names_in_any_script_with_their_marks_and_emoji_are_kept() {
        for ok in [
            "Zoë Ångström",
            "Zoe\u{308}",
            "Łódź Bäckerei GmbH & Co. KG",
            "東京パン株式会社",
            "شركة الخبز",
            "מאפייה",
            "नमस्ते",
            "Kaffee ☕ 👩‍💻",
            "👍🏽 thumbs",
            "\u{2764}\u{FE0F} hearts",
            "Anna\u{00A0}Maria",
        ] {
            assert_eq!(one_line(ok).as_deref(), Ok(ok), "{ok:?}");
        }
    }

    #[test]
    fn persian_and_indic_joiners_are_kept_inside_a_word() {
        assert!(one_line("می\u{200C}خواهم").is_ok());
        assert!(one_line("क्\u{200D}ष").is_ok());
    }

    #[test]
    fn joiners_outside_a_word_are_refused() {
        assert_eq!(one_line("\u{200D}"), Err(TextError::Format('\u{200D}')));
        assert_eq!(one_line("a \u{200C}b"), Err(TextError::Format('\u{200C}')));
        assert_eq!(one_line("ab\u{200D}"), Err(TextError::Format('\u{200D}')));
    }

    #[test]
    fn control_characters_are_refused_and_named() {
        assert_eq!(one_line("a\u{7}b"), Err(TextError::Control('\u{7}')));
        assert_eq!(one_line("a\nb"), Err(TextError::Control('\n')));
        assert_eq!(one_line("a\u{85}b"), Err(TextError::Control('\u{85}')));
        assert_eq!(
            one_line("a\u{1b}[31mb").unwrap_err().to_string(),
            "must not contain control characters (found U+001B)"
        );
    }

    /// Asserts that each of `chars` amid letters is refused, and named as `refusal` names it.
    fn assert_each_refused(chars: &[char], refusal: fn(char) -> TextError) {
        for &c in chars {
            assert_eq!(one_line(&format!("ab{c}cd")), Err(refusal(c)), "{c:?}");
        }
    }

    #[test]
    fn invisible_and_direction_changing_characters_are_refused() {
        assert_each_refused(
            &[
                '\u{200B}',
                '\u{FEFF}',
                '\u{00AD}',
                '\u{200E}',
                '\u{200F}',
                '\u{202A}',
                '\u{202E}',
                '\u{2066}',
                '\u{2069}',
                '\u{061C}',
                '\u{2060}',
                '\u{180E}',
                '\u{E0041}',
            ],
            TextError::Format,
        );
        assert_eq!(
            one_line("invoice\u{202E}fdp.exe").unwrap_err().to_string(),
            "must not contain invisible or direction-changing characters (found U+202E)"
        );
    }

    #[test]
    fn line_and_paragraph_separators_are_refused() {
        assert_each_refused(&['\u{2028}', '\u{2029}'], TextError::Separator);
    }

    #[test]
    fn private_use_and_unassigned_code_points_are_refused() {
        assert_each_refused(
            &['\u{E000}', '\u{F0000}', '\u{0378}', '\u{FFFF}'],
            TextError::Unassigned,
        );
    }

    #[test]
    fn text_that_shows_nothing_is_refused() {
        assert_eq!(one_line("\u{200B}"), Err(TextError::Format('\u{200B}')));
        assert_eq!(one_line("\u{FEFF}  "), Err(TextError::Format('\u{FEFF}')));
        assert_eq!(one_line(" \u{2028} "), Err(TextError::Empty));
        assert_eq!(
            one_line("\u{301}\u{301}"),
            Err(TextError::LeadingMark('\u{301}'))
        );
        assert_eq!(
            one_line("\u{3164}\u{3164}"),
            Err(TextError::Blank),
            "Hangul fillers"
        );
        assert_eq!(one_line("\u{2800}"), Err(TextError::Blank), "blank Braille");
        assert_eq!(bounded_text("\u{115F}", 0, 9), Err(TextError::Blank));
    }

    #[test]
    fn multiline_text_keeps_line_breaks_and_tabs_and_refuses_the_rest() {
        assert_eq!(multiline_text(" a\r\n\nb\t ", 1, 10).unwrap(), "a\n\nb");
        assert_eq!(
            multiline_text("a\u{7}b", 1, 10),
            Err(TextError::Control('\u{7}'))
        );
        assert_eq!(
            multiline_text("a\u{2028}b", 1, 10),
            Err(TextError::Separator('\u{2028}'))
        );
        assert_eq!(
            multiline_text("a\n\u{202E}b", 1, 10),
            Err(TextError::Format('\u{202E}'))
        );
        assert_eq!(multiline_text("\n\n", 1, 10), Err(TextError::Empty));
    }
}
