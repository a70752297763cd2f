//! `accord schema`: a JSON Schema (draft 2020-12) of the facts document, with
//! labels and doc comments, for form builders.

use serde_json::{json, Map, Value};

use super::lower::{field_kind, FieldKind};
use super::report::resolve_lang;
use super::{in_model, Engine};
use crate::check::{Domain, EntityDef};
use crate::labels::localize;

pub(crate) fn schema(engine: &Engine, root: u32, lang: Option<&str>) -> Value {
    let lang = &resolve_lang(engine, lang);
    let mut defs = Map::new();
    for e in &engine.checked.entities {
        defs.insert(e.name.clone(), entity_schema(engine, e, lang));
    }
    for e in &engine.checked.enums {
        let options: Vec<Value> = e
            .variants
            .iter()
            .map(|v| {
                json!({
                    "const": v.name,
                    "title": localize(v.label.as_ref(), lang, &v.name),
                })
            })
            .collect();
        defs.insert(
            e.name.clone(),
            json!({
                "title": localize(e.label.as_ref(), lang, &e.name),
                "type": "string",
                "oneOf": options,
            }),
        );
    }
    // The root is the engine's (one candidate, or one chosen by `with_root`).
    let root_name = in_model(
        engine.checked.entities.get(root as usize),
        "the root entity",
    )
    .map_or("", |e| e.name.as_str());
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    if let Some(name) = &engine.checked.ruleset.name {
        out.insert("$id".into(), json!(format!("accord:{name}/{root_name}")));
    }
    out.insert("$ref".into(), json!(format!("#/$defs/{root_name}")));
    if let Some(c) = &engine.checked.ruleset.currency {
        out.insert("x-accord-currency".into(), json!(c));
    }
    out.insert("x-accord-language".into(), json!(lang));
    out.insert("$defs".into(), Value::Object(defs));
    Value::Object(out)
}

fn entity_schema(engine: &Engine, def: &EntityDef, lang: &str) -> Value {
    let mut props = Map::new();
    for f in &def.fields {
        let mut p = match kind_schema(engine, &field_kind(&f.ty)) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        p.insert(
            "title".into(),
            json!(localize(f.label.as_ref(), lang, &f.name)),
        );
        if !f.docs.is_empty() {
            p.insert("description".into(), json!(f.docs.join("\n")));
        }
        if let Some(d) = &f.domain {
            // A series' domain holds for each month's value.
            match p
                .get_mut("patternProperties")
                .and_then(|pp| pp.get_mut(MONTH_PATTERN))
                .and_then(|v| v.get_mut("anyOf"))
                .and_then(|a| a.get_mut(0))
                .and_then(Value::as_object_mut)
            {
                Some(month) => domain_schema(month, d),
                None => domain_schema(&mut p, d),
            }
        }
        // Every fact may be unknown: missing or null.
        let nullable = json!({ "anyOf": [Value::Object(p.clone()), { "type": "null" }] });
        let mut wrapped = Map::new();
        if let Some(t) = p.get("title") {
            wrapped.insert("title".into(), t.clone());
        }
        if let Value::Object(n) = nullable {
            wrapped.extend(n);
        }
        props.insert(f.name.clone(), Value::Object(wrapped));
    }
    let mut m = Map::new();
    m.insert(
        "title".into(),
        json!(localize(def.label.as_ref(), lang, &def.name)),
    );
    if !def.docs.is_empty() {
        m.insert("description".into(), json!(def.docs.join("\n")));
    }
    m.insert("type".into(), json!("object"));
    m.insert("additionalProperties".into(), json!(false));
    m.insert("properties".into(), Value::Object(props));
    Value::Object(m)
}

/// A field's domain (language reference §6): `minimum`/`maximum`, the
/// exclusive forms for `>` and `<`. A `Decimal` or `Money` fact given as a
/// string is not held to them by a validator; `accord screen` is (F0010).
fn domain_schema(p: &mut Map<String, Value>, d: &Domain) {
    let num = |x: rust_decimal::Decimal| {
        x.normalize()
            .to_string()
            .parse::<serde_json::Number>()
            .map_or(Value::Null, Value::Number)
    };
    if let Some((b, inclusive)) = d.low {
        let key = if inclusive {
            "minimum"
        } else {
            "exclusiveMinimum"
        };
        p.insert(key.into(), num(b));
    }
    if let Some((b, inclusive)) = d.high {
        let key = if inclusive {
            "maximum"
        } else {
            "exclusiveMaximum"
        };
        p.insert(key.into(), num(b));
    }
}

/// A month of a monthly series, as the facts key it.
const MONTH_PATTERN: &str = "^[0-9]{4}-(0[1-9]|1[0-2])$";

fn kind_schema(engine: &Engine, kind: &FieldKind) -> Value {
    match kind {
        FieldKind::Bool => json!({ "type": "boolean" }),
        FieldKind::Int => json!({ "type": "integer" }),
        FieldKind::Dec => json!({
            "type": ["number", "string"],
            "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
        }),
        FieldKind::Money => {
            let mut money = kind_schema(engine, &FieldKind::Dec);
            if let Value::Object(m) = &mut money {
                m.insert("x-accord-type".into(), json!("Money"));
            }
            money
        }
        FieldKind::Date => json!({ "type": "string", "format": "date" }),
        FieldKind::Text => json!({ "type": "string" }),
        FieldKind::Enum(e) => {
            let name = in_model(engine.checked.enums.get(*e as usize), "a field's enum")
                .map_or("", |d| d.name.as_str());
            json!({ "$ref": format!("#/$defs/{name}") })
        }
        FieldKind::Entity(e) => {
            let name = in_model(engine.checked.entities.get(*e as usize), "a field's entity")
                .map_or("", |d| d.name.as_str());
            json!({ "$ref": format!("#/$defs/{name}") })
        }
        FieldKind::List(inner) => json!({ "type": "array", "items": kind_schema(engine, inner) }),
        // A monthly series: an object of `YYYY-MM` months, each value of the
        // series' type or null (unknown).
        FieldKind::Monthly(inner) => json!({
            "type": "object",
            "x-accord-type": "monthly",
            "patternProperties": {
                MONTH_PATTERN: { "anyOf": [kind_schema(engine, inner), { "type": "null" }] },
            },
            "additionalProperties": false,
        }),
        FieldKind::Dur | FieldKind::Other => json!({ "not": {} }),
    }
}
