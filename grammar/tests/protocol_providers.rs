//! The providers' items of a protocol: `region FIELD`, `referrals elsewhere …,
//! full …`, and in a step `escalate to ROLE when overdue by DURATION` (a chain
//! when several) and `rates providers`. Each parses to its own item and prints
//! back to the same text; the words are keywords only there.

#![expect(
    clippy::panic,
    reason = "a test's unwrap, expect, index or panic is its assertion: failing loudly is the point"
)]

use accord_grammar::ast::{Decl, ProtocolItem, ReferralAction, ReferralCase, StepItem};
use accord_grammar::{parse, print};

const TEXT: &str = "protocol p {
  for Person
  region home_region
  referrals elsewhere refused, full flagged
  roles {
    worker
    head
    region_office
  }
  step close {
    by worker
    escalate to head when overdue by 5 working days
    escalate to region_office when overdue by 10 working days
    rates providers
  }
}
";

fn protocol_items(text: &str) -> Vec<ProtocolItem> {
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    match parsed.file.decls.into_iter().next() {
        Some(Decl::Protocol(p)) => p.items,
        other => panic!("not a protocol: {other:?}"),
    }
}

#[test]
fn the_items_parse_to_their_own_nodes() {
    let items = protocol_items(TEXT);
    let Some(ProtocolItem::Region(field, _)) = items.get(1) else {
        panic!("{items:?}");
    };
    assert_eq!(field.name, "home_region");
    let Some(ProtocolItem::Referrals(rules, _)) = items.get(2) else {
        panic!("{items:?}");
    };
    let rules: Vec<(ReferralCase, ReferralAction)> =
        rules.iter().map(|r| (r.case, r.action)).collect();
    assert_eq!(
        rules,
        [
            (ReferralCase::Elsewhere, ReferralAction::Refused),
            (ReferralCase::Full, ReferralAction::Flagged)
        ]
    );
    let Some(ProtocolItem::Step(step)) = items.get(4) else {
        panic!("{items:?}");
    };
    let escalations: Vec<(&str, &str)> = step
        .items
        .iter()
        .filter_map(|i| match i {
            StepItem::Escalate { to, overdue_by, .. } => {
                Some((to.name.as_str(), overdue_by.amount.as_str()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(escalations, [("head", "5"), ("region_office", "10")]);
    assert!(matches!(
        step.items.last(),
        Some(StepItem::RatesProviders(_))
    ));
}

#[test]
fn the_items_print_as_written() {
    let parsed = parse(TEXT);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(print(&parsed.file), TEXT);
}

#[test]
fn the_words_stay_names_elsewhere() {
    // `region`, `full`, `providers`, `rates` as names of fields and roles.
    let text = "entity Person {\n  region: Text\n  full: Boolean\n  providers: Integer\n  rates: Integer\n}\n";
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(print(&parsed.file), text);
}

#[test]
fn a_referral_rule_needs_its_action() {
    let parsed = parse("protocol p {\n  for Person\n  referrals elsewhere\n}\n");
    let e = parsed.errors.first().unwrap_or_else(|| panic!("no error"));
    assert!(e.message.contains("refused"), "{}", e.message);
}
