//! Facts from JSON, streamed: serde seeds guided by the entities build the flat
//! facts directly, with no intermediate JSON tree. The same seeds read JSON text
//! and an already parsed `serde_json::Value`.
//!
//! A value of the wrong type, an unknown field or variant is recorded with its
//! path and parsing goes on, so one pass reports every problem; only malformed
//! JSON stops it.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::facts::{entity_name, Builder, Facts, FactsError, JPath};
use super::lower::{FieldKind, Lowered};
use super::value::{ListRef, TextRef, V};
use crate::check::Checked;
use crate::codes::Code;

/// The kind of value the document held where something else was expected:
/// never the value itself, which is personal data (docs/language.md, "Errors
/// and personal data").
#[derive(Clone, Copy)]
enum Found {
    Null,
    Bool,
    Number,
    Str,
    List,
    Object,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Found::Null => "null",
            Found::Bool => "a Boolean",
            Found::Number => "a number",
            Found::Str => "a text",
            Found::List => "a list",
            Found::Object => "an object",
        })
    }
}

impl Builder<'_> {
    fn wrong(&mut self, expected: &str, found: Found, path: &JPath<'_>) -> V {
        self.error(
            Code::F0004,
            path,
            format!("expected {expected}, found {found}"),
            None,
        );
        V::Unknown
    }

    fn expected(&self, kind: &FieldKind) -> String {
        match kind {
            FieldKind::Bool => "true or false".into(),
            FieldKind::Int => "a whole number".into(),
            FieldKind::Dec => "a number".into(),
            FieldKind::Money => "an amount of money (a number or a decimal string)".into(),
            FieldKind::Date => "a date (\"YYYY-MM-DD\")".into(),
            FieldKind::Text => "a text".into(),
            FieldKind::Enum(e) => format!("one of {}", self.variant_list(*e)),
            FieldKind::Entity(e) => format!("an object (a `{}`)", entity_name(self.checked, *e)),
            FieldKind::List(_) => "a list".into(),
            FieldKind::Monthly(_) => "an object of months (\"YYYY-MM\": value)".into(),
            FieldKind::Dur | FieldKind::Other => "nothing: this is not a fact".into(),
        }
    }
}

/// Reads the facts document describing `root` from JSON text.
pub(crate) fn from_text(
    lowered: &Lowered,
    checked: &Checked,
    root: u32,
    text: &str,
    spare: Facts,
) -> Result<Facts, FactsError> {
    let mut b = Builder::reusing(lowered, checked, spare);
    let mut de = serde_json::Deserializer::from_str(text);
    let kind = FieldKind::Entity(root);
    let parsed = ValueVisitor::root(&mut b, &kind)
        .deserialize(&mut de)
        .and_then(|_| de.end());
    if let Err(e) = parsed {
        let message = crate::redact::serde_message(&e);
        let message = match message.rfind(" at line ") {
            Some(i) => message.get(..i).unwrap_or(&message).to_string(),
            None => message,
        };
        return Err(FactsError::one(
            Code::F0001,
            "",
            format!(
                "malformed JSON at line {}, column {}: {message}",
                e.line(),
                e.column()
            ),
        ));
    }
    b.finish()
}

/// Reads the facts document describing `root` from a parsed JSON value.
pub(crate) fn from_json_value(
    lowered: &Lowered,
    checked: &Checked,
    root: u32,
    value: &serde_json::Value,
) -> Result<Facts, FactsError> {
    let mut b = Builder::new(lowered, checked);
    let kind = FieldKind::Entity(root);
    let parsed = ValueVisitor::root(&mut b, &kind).deserialize(value);
    if let Err(e) = parsed {
        return Err(FactsError::one(
            Code::F0001,
            "",
            crate::redact::serde_message(&e),
        ));
    }
    b.finish()
}

/// Reads the facts document describing `root` from any serde deserializer
/// (an Arrow row, say): the same checks and errors as JSON text. With
/// `text_scalars`, `"true"` and `"false"` are Booleans (CSV cells are text).
pub(crate) fn from_deserializer<'de, D: de::Deserializer<'de>>(
    lowered: &Lowered,
    checked: &Checked,
    root: u32,
    de: D,
    spare: Facts,
    text_scalars: bool,
) -> Result<Facts, FactsError> {
    let mut b = Builder::reusing(lowered, checked, spare);
    b.text_scalars = text_scalars;
    let kind = FieldKind::Entity(root);
    if let Err(e) = ValueVisitor::root(&mut b, &kind).deserialize(de) {
        // The deserializer's own words: never a value (its errors name
        // columns and types only).
        return Err(FactsError::one(Code::F0001, "", e.to_string()));
    }
    b.finish()
}

/// Reads one value of a known kind where the document has it (also the seed of
/// that value: serde hands it the value's deserializer).
struct ValueVisitor<'b, 'a, 'k, 'p> {
    b: &'b mut Builder<'a>,
    kind: &'k FieldKind,
    /// The instance holding this value (for entities: the new instance's owner).
    owner: u32,
    field: u32,
    index: Option<u32>,
    path: &'p JPath<'p>,
}

impl<'de> DeserializeSeed<'de> for ValueVisitor<'_, '_, '_, '_> {
    type Value = V;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<V, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'b, 'a, 'k> ValueVisitor<'b, 'a, 'k, 'static> {
    /// The document itself: an object describing the root entity (`kind`).
    fn root(b: &'b mut Builder<'a>, kind: &'k FieldKind) -> Self {
        ValueVisitor {
            b,
            kind,
            owner: u32::MAX,
            field: 0,
            index: None,
            path: &JPath::Root,
        }
    }
}

impl ValueVisitor<'_, '_, '_, '_> {
    fn wrong(self, found: Found) -> V {
        let expected = self.b.expected(self.kind);
        if matches!(self.path, JPath::Root) {
            let name = match self.kind {
                FieldKind::Entity(e) => entity_name(self.b.checked, *e).to_string(),
                _ => String::new(),
            };
            self.b.error(
                Code::F0002,
                self.path,
                format!("the facts must be an object describing a `{name}`, found {found}"),
                None,
            );
            return V::Unknown;
        }
        self.b.wrong(&expected, found, self.path)
    }

    /// A decimal read exactly: a value with more digits than a `Decimal` holds
    /// (28 significant digits) is an error, never silently rounded.
    fn decimal(self, text: &str, found: Found) -> V {
        let t = text.trim();
        match Decimal::from_str_exact(t) {
            Ok(d) => V::number(d),
            Err(_)
                if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || "+-._".contains(c)) =>
            {
                self.b.error(
                    Code::F0004,
                    self.path,
                    "the number has more digits than can be kept exactly".to_string(),
                    Some("numbers keep at most 28 significant digits; give the amount rounded as the law requires".into()),
                );
                V::Unknown
            }
            Err(_) => match Decimal::from_scientific(t) {
                Ok(d) => V::number(d),
                Err(_) => self.wrong(found),
            },
        }
    }
}

impl<'de> Visitor<'de> for ValueVisitor<'_, '_, '_, '_> {
    type Value = V;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a fact's value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<V, E> {
        // null: unknown, except where a value is required.
        if matches!(self.path, JPath::Root) {
            return Ok(self.wrong(Found::Null));
        }
        if self.index.is_some() {
            self.b.error(
                Code::F0004,
                self.path,
                "a list element cannot be null".to_string(),
                Some("leave the element out, or give it with its facts unknown: {}".into()),
            );
        }
        Ok(V::Unknown)
    }

    fn visit_none<E: de::Error>(self) -> Result<V, E> {
        self.visit_unit()
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V, E> {
        Ok(match self.kind {
            FieldKind::Bool => V::Bool(v),
            _ => self.wrong(Found::Bool),
        })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V, E> {
        Ok(match self.kind {
            FieldKind::Int | FieldKind::Dec | FieldKind::Money => V::Int(v),
            _ => self.wrong(Found::Number),
        })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V, E> {
        Ok(match (self.kind, i64::try_from(v)) {
            (FieldKind::Int | FieldKind::Dec | FieldKind::Money, Ok(i)) => V::Int(i),
            (FieldKind::Dec | FieldKind::Money, Err(_)) => V::number(Decimal::from(v)),
            _ => self.wrong(Found::Number),
        })
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V, E> {
        // serde_json reads non-integers as f64; its shortest round-trip text is
        // the decimal that was written, for up to 15 significant digits. Longer
        // amounts can be given exactly as strings.
        let text = v.to_string();
        Ok(match self.kind {
            FieldKind::Dec | FieldKind::Money => {
                let found = Found::Number;
                self.decimal(&text, found)
            }
            FieldKind::Int if v.fract() == 0.0 && v.abs() < 9.0e15 => V::Int(v as i64),
            _ => self.wrong(Found::Number),
        })
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<V, E> {
        Ok(match self.kind {
            FieldKind::Int => match s.trim().parse::<i64>() {
                Ok(i) => V::Int(i),
                Err(_) => self.wrong(Found::Str),
            },
            FieldKind::Dec | FieldKind::Money => self.decimal(s, Found::Str),
            FieldKind::Date => match super::facts::parse_date(s) {
                Some(d) => V::Date(d),
                None => {
                    self.b.error(
                        Code::F0006,
                        self.path,
                        "the text is not a date written \"YYYY-MM-DD\"".to_string(),
                        Some("write dates as \"YYYY-MM-DD\", e.g. \"2015-01-10\"".into()),
                    );
                    V::Unknown
                }
            },
            FieldKind::Text => {
                let id = self.b.facts.texts.len() as u32;
                self.b.facts.texts.push(s.into());
                V::Text(TextRef::Facts(id))
            }
            FieldKind::Enum(e) => self.b.variant(*e, s, self.path),
            FieldKind::Bool
                if self.b.text_scalars
                    && (s.trim().eq_ignore_ascii_case("true")
                        || s.trim().eq_ignore_ascii_case("false")) =>
            {
                V::Bool(s.trim().eq_ignore_ascii_case("true"))
            }
            _ => self.wrong(Found::Str),
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<V, A::Error> {
        if let FieldKind::Monthly(inner) = self.kind {
            return self.months(inner, map);
        }
        let FieldKind::Entity(entity) = *self.kind else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(self.wrong(Found::Object));
        };
        let b = self.b;
        let id = b.new_instance(entity, self.owner, self.field, self.index);
        let lowered = b.lowered;
        let Some(ent) = lowered.entities.get(entity as usize) else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(V::Entity(id));
        };
        // Fields seen so far, to catch a key given twice (the first 128 fields).
        let mut seen: u128 = 0;
        let mut guess = 0;
        while let Some(key) = map.next_key_seed(KeySeed { entity: ent, guess })? {
            match key {
                Key::Field(fi) => {
                    guess = fi + 1;
                    let Some(f) = ent.fields.get(fi as usize) else {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    };
                    // Beyond the 128th field, repeats are not tracked (no bit).
                    let bit = 1u128.checked_shl(fi).unwrap_or(0);
                    if seen & bit != 0 {
                        b.error(
                            Code::F0003,
                            &JPath::Field(self.path, &f.name),
                            format!("`{}` is given twice", f.name),
                            Some("give each fact once".into()),
                        );
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                    seen |= bit;
                    let path = JPath::Field(self.path, &f.name);
                    let v = map.next_value_seed(ValueVisitor {
                        b: &mut *b,
                        kind: &f.kind,
                        owner: id,
                        field: fi,
                        index: None,
                        path: &path,
                    })?;
                    b.check_domain(entity, fi, v, &path);
                    b.set(id, fi, v);
                }
                Key::Unknown(name) => {
                    b.unknown_field(entity, &name, &JPath::Field(self.path, &name));
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(V::Entity(id))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<V, A::Error> {
        let FieldKind::List(inner) = self.kind else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(self.wrong(Found::List));
        };
        let b = self.b;
        // Elements are collected first: nested lists append to `items` as they go.
        let mut values = Vec::new();
        let mut i = 0u32;
        loop {
            if i as usize >= crate::limits::MAX_LIST_LEN {
                if seq.next_element::<IgnoredAny>()?.is_none() {
                    break;
                }
                b.error(
                    Code::F0009,
                    self.path,
                    format!(
                        "the list is too long: at most {} elements",
                        crate::limits::MAX_LIST_LEN
                    ),
                    None,
                );
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                break;
            }
            let path = JPath::Index(self.path, i as usize);
            let next = seq.next_element_seed(ValueVisitor {
                b: &mut *b,
                kind: inner,
                owner: self.owner,
                field: self.field,
                index: Some(i),
                path: &path,
            })?;
            let Some(v) = next else { break };
            values.push(v);
            i += 1;
        }
        let start = b.facts.items.len() as u32;
        let len = values.len() as u32;
        b.facts.items.extend(values);
        Ok(V::List(ListRef {
            scratch: false,
            start,
            len,
        }))
    }
}

impl ValueVisitor<'_, '_, '_, '_> {
    /// A monthly series: `{"2025-01": 1200, "2025-02": null}`, each month read
    /// as `inner` and checked against the field's domain at its own path.
    fn months<'de, A: MapAccess<'de>>(self, inner: &FieldKind, mut map: A) -> Result<V, A::Error> {
        let b = self.b;
        let entity = b.facts.instance(self.owner).map_or(u32::MAX, |i| i.entity);
        let mut read = super::facts::MonthsRead { months: Vec::new() };
        let mut bad = false;
        while let Some(key) = map.next_key_seed(super::series::MonthKeySeed)? {
            let super::series::MonthKey::Month(m) = key else {
                if !bad {
                    b.error(
                        Code::F0017,
                        self.path,
                        "a key of the monthly series is not a month written \"YYYY-MM\""
                            .to_string(),
                        Some(
                            "key each month's value by its month, e.g. {\"2025-01\": 1200}".into(),
                        ),
                    );
                }
                bad = true;
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let path = JPath::Month(self.path, m);
            if read.months.iter().any(|(x, _)| *x == m) {
                b.error(
                    Code::F0017,
                    &path,
                    "the month is given twice".to_string(),
                    Some("give each month once".into()),
                );
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let v = map.next_value_seed(ValueVisitor {
                b: &mut *b,
                kind: inner,
                owner: self.owner,
                field: self.field,
                index: None,
                path: &path,
            })?;
            b.check_domain(entity, self.field, v, &path);
            read.months.push((m, v));
        }
        if bad {
            return Ok(V::Unknown);
        }
        let mut errors = Vec::new();
        let v = read.finish(&mut b.facts, self.path, &mut |c, p, m, h| {
            errors.push((c, p, m, h))
        });
        for (code, _, message, help) in errors {
            b.error(code, self.path, message, help);
        }
        Ok(v)
    }
}

enum Key {
    Field(u32),
    Unknown(String),
}

struct KeySeed<'f> {
    entity: &'f super::lower::LEntity,
    /// The field expected next: the one after the previous key's, as documents
    /// written from the schema list their keys (checked before the table).
    guess: u32,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Key, E> {
        if let Some(f) = self.entity.fields.get(self.guess as usize) {
            if super::lower::same_name(&f.name, s) {
                return Ok(Key::Field(self.guess));
            }
        }
        Ok(match self.entity.field(s) {
            Some(i) => Key::Field(i),
            None => Key::Unknown(s.to_string()),
        })
    }
}
