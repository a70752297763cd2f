//! Native, ZEN (and Accord with `--features accord`) agree on generated households.

use accord_bench::gen;
use accord_bench::native::NativeSession;
use accord_bench::zen::{self, ZenRunner};
use accord_bench::{Results, DEFAULT_AS_OF};
use jiff::civil::Date;

#[test]
fn engines_agree_on_two_thousand_households() {
    let as_of: Date = DEFAULT_AS_OF.parse().unwrap();
    let households = gen::households(7, 2_000, as_of);
    let runner = ZenRunner::new(zen::JDM).unwrap();
    #[cfg(feature = "accord")]
    let engine = accord_bench::accord::engine().unwrap();
    let mut native = NativeSession::new(as_of);
    let (mut expected, mut got) = (Results::default(), Results::default());
    let mut eligible = [0usize; 20];
    for (i, h) in households.iter().enumerate() {
        native.evaluate(h, &mut expected);
        for (k, o) in expected.household.iter().enumerate() {
            eligible[k] += usize::from(o.eligible);
        }
        for row in &expected.persons {
            for (k, o) in row.iter().enumerate() {
                eligible[12 + k] += usize::from(o.eligible);
            }
        }
        let facts = gen::facts_json(h);
        let out = runner
            .evaluate_json(&ZenRunner::input(&facts, DEFAULT_AS_OF))
            .unwrap();
        zen::results(&out, &mut got).unwrap();
        assert_eq!(
            expected.differences(&got),
            Vec::<String>::new(),
            "household {i}: {facts}"
        );
        #[cfg(feature = "accord")]
        {
            let f = accord_bench::accord::facts(&engine, &facts.to_string()).unwrap();
            accord_bench::accord::evaluate_into(&engine, as_of, &f, h.members.len(), &mut got)
                .unwrap();
            assert_eq!(
                expected.differences(&got),
                Vec::<String>::new(),
                "household {i}: {facts}"
            );
        }
    }
    // Every programme is granted to someone and refused to someone, so the comparison
    // exercises both sides of every rule.
    for (k, n) in eligible.iter().enumerate() {
        assert!(*n > 0, "programme {k} is never granted");
    }
}
