//! A generator of realistic rulesets for benchmarks and scale tests: a ruleset
//! header, enums, `Household`/`Person` entities with about thirty facts and lets
//! each, twenty parameters, a few tables, and `n` programmes mixing `for
//! Household` and `for Person`, labelled in English, Armenian and Russian, with
//! legal citations. Deterministic: the same `n` always gives the same text.

use std::fmt::Write as _;

const REGIONS: [(&str, &str, &str, &str); 11] = [
    ("yerevan", "Yerevan", "Երևան", "Ереван"),
    ("aragatsotn", "Aragatsotn", "Արագածոտն", "Арагацотн"),
    ("ararat", "Ararat", "Արարատ", "Арарат"),
    ("armavir", "Armavir", "Արմավիր", "Армавир"),
    ("gegharkunik", "Gegharkunik", "Գեղարքունիք", "Гегаркуник"),
    ("kotayk", "Kotayk", "Կոտայք", "Котайк"),
    ("lori", "Lori", "Լոռի", "Лори"),
    ("shirak", "Shirak", "Շիրակ", "Ширак"),
    ("syunik", "Syunik", "Սյունիք", "Сюник"),
    ("tavush", "Tavush", "Տավուշ", "Тавуш"),
    ("vayots_dzor", "Vayots Dzor", "Վայոց ձոր", "Вайоц Дзор"),
];

const SECTORS: [&str; 5] = ["social", "health", "education", "employment", "housing"];

const TOPICS: [(&str, &str, &str, &str); 10] = [
    (
        "family_support",
        "Family support",
        "Ընտանիքի աջակցություն",
        "Поддержка семьи",
    ),
    (
        "child_care",
        "Child care allowance",
        "Երեխայի խնամքի նպաստ",
        "Пособие по уходу за ребёнком",
    ),
    (
        "energy_aid",
        "Energy cost aid",
        "Էներգիայի ծախսերի օգնություն",
        "Помощь на энергию",
    ),
    (
        "school_meals",
        "School meals",
        "Դպրոցական սնունդ",
        "Школьное питание",
    ),
    (
        "disability_care",
        "Disability care",
        "Հաշմանդամության խնամք",
        "Уход по инвалидности",
    ),
    (
        "rent_relief",
        "Rent relief",
        "Վարձակալության աջակցություն",
        "Помощь с арендой",
    ),
    (
        "job_start",
        "Employment start grant",
        "Աշխատանքի մեկնարկի դրամաշնորհ",
        "Грант на трудоустройство",
    ),
    (
        "health_voucher",
        "Health voucher",
        "Առողջության վաուչեր",
        "Медицинский ваучер",
    ),
    (
        "elderly_care",
        "Elderly care supplement",
        "Տարեցների խնամքի հավելում",
        "Надбавка по уходу за пожилыми",
    ),
    (
        "mountain_aid",
        "Mountain area aid",
        "Լեռնային շրջանի օգնություն",
        "Помощь горным районам",
    ),
];

/// A ruleset with `programmes` programmes (half `for Household`, half `for Person`).
pub fn generate(programmes: usize) -> String {
    let mut out = String::with_capacity(programmes * 900 + 12_000);
    header(&mut out);
    entities(&mut out);
    parameters(&mut out);
    tables(&mut out);
    for i in 0..programmes {
        programme(&mut out, i);
    }
    out
}

fn header(out: &mut String) {
    out.push_str(
        "ruleset generated_social \"State social protection programmes\" \
         [hy: \"Սոցիալական պաշտպանության պետական ծրագրեր\", ru: \"Государственные программы социальной защиты\"] {\n  \
         languages en, hy, ru\n  currency AMD\n}\n\n",
    );
    out.push_str("enum Region \"Region\" [hy: \"Մարզ\", ru: \"Область\"] {\n");
    for (id, en, hy, ru) in REGIONS {
        let _ = writeln!(out, "  {id} \"{en}\" [hy: \"{hy}\", ru: \"{ru}\"]");
    }
    out.push_str("}\n\n");
    out.push_str("enum Disability { none, group_1, group_2, group_3 }\n\n");
    out.push_str("enum Employment { employed, self_employed, unemployed, student, retired }\n\n");
    out.push_str("enum Housing \"Housing\" {\n  owned \"Owned\" [hy: \"Սեփական\", ru: \"Собственное\"]\n  rented \"Rented\" [hy: \"Վարձով\", ru: \"Арендованное\"]\n  shelter \"Shelter\" [hy: \"Ապաստարան\", ru: \"Приют\"]\n}\n\n");
}

fn entities(out: &mut String) {
    out.push_str(
        r#"/// A household as registered in the family vulnerability assessment system.
entity Household "Household" [hy: "Ընտանիք", ru: "Семья"] {
  region: Region "Region of residence" [hy: "Բնակության մարզ", ru: "Область проживания"]
  vulnerability_score: Decimal "Family vulnerability score" [hy: "Խոցելիության միավոր", ru: "Балл уязвимости"]
  members: list of Person "Members" [hy: "Անդամներ", ru: "Члены семьи"]
  housing: Housing "Housing" [hy: "Բնակարան", ru: "Жильё"]
  monthly_rent: Money "Monthly rent"
  rooms: Integer "Rooms"
  land_area: Decimal "Agricultural land, hectares"
  owns_car: Boolean "Owns a car"
  owns_second_home: Boolean "Owns a second home"
  registered_on: Date "Registered on"
  utility_debt: Money "Utility debt"
  mountain_settlement: Boolean "Lives in a mountain settlement"
  border_settlement: Boolean "Lives in a border settlement"
  displaced: Boolean "Displaced family"
  livestock_units: Integer "Livestock units"

  let size = count(members)
  let children = members where age < 18
  let adults = members where age >= 18
  let pensioners = members where age >= 63
  let disabled_members = members where disability != none
  let school_children = members where in_school
  let income = sum(members.monthly_income)
  let income_per_member = income / size
  let child_count = count(children)
  let large_family = child_count >= 4
  let single_adult = count(adults) = 1
  let has_disabled = any members where disability != none
  let all_adults_work = all adults where employment = employed
  let crowded = size > rooms * 2
  let long_registered = registered_on <= today - 2 years
}

/// A person in a household.
entity Person "Person" [hy: "Անձ", ru: "Лицо"] {
  birth_date: Date "Date of birth" [hy: "Ծննդյան ամսաթիվ", ru: "Дата рождения"]
  disability: Disability "Disability group" [hy: "Հաշմանդամության խումբ", ru: "Группа инвалидности"]
  monthly_income: Money "Monthly income" [hy: "Ամսական եկամուտ", ru: "Ежемесячный доход"]
  insurance_years: Integer "Years of insurance record"
  in_school: Boolean "Attends school"
  unexcused_absence_days: Integer "Unexcused absences in the last 30 days"
  receives_insurance_pension: Boolean "Receives an insurance pension"
  employment: Employment "Employment status"
  pregnant: Boolean "Pregnant"
  veteran: Boolean "Veteran"
  caregiver: Boolean "Full-time caregiver"
  chronic_illness: Boolean "Has a chronic illness"
  registered_unemployed_since: Date "Registered as unemployed since"
  children_born: Integer "Children born"
  student_grade: Integer "School grade"

  let age = years_between(birth_date, today)
  let child = age < 18
  let adult = age >= 18
  let pensioner = age >= 63
  let working_age = age >= 18 and age < 63
  let disabled = disability != none
  let severe_disability = disability in {group_1, group_2}
  let long_unemployed = employment = unemployed and registered_unemployed_since <= today - 1 year
  let low_income = monthly_income < minimum_wage
  let school_age = age in 6..17
  let truant = in_school and unexcused_absence_days >= 10
  let out_of_school = school_age and not in_school
  let income_known = known(monthly_income)
  let income_or_zero = monthly_income otherwise 0
  let insured = insurance_years >= 10
}

"#,
    );
}

fn parameters(out: &mut String) {
    let money = [
        (
            "family_benefit_base",
            "Base amount of the family benefit",
            18_000,
        ),
        ("child_supplement", "Supplement per child", 6_000),
        ("social_pension_base", "Old-age social pension", 32_500),
        ("disability_pension_base", "Disability pension", 30_000),
        ("minimum_wage", "Minimum monthly wage", 75_000),
        ("poverty_line", "Poverty line per member", 44_000),
        ("energy_aid_amount", "Energy aid", 9_000),
        ("school_meal_amount", "School meal allowance", 4_500),
        ("rent_relief_cap", "Rent relief cap", 50_000),
        ("job_start_grant", "Employment start grant", 120_000),
        ("health_voucher_amount", "Health voucher", 25_000),
        ("elderly_care_amount", "Elderly care supplement", 12_000),
        ("mountain_aid_amount", "Mountain area aid", 7_000),
        ("caregiver_allowance", "Caregiver allowance", 20_000),
        ("maternity_grant", "Maternity grant", 50_000),
        ("veteran_supplement", "Veteran supplement", 15_000),
    ];
    for (i, (id, label, value)) in money.iter().enumerate() {
        let _ = writeln!(
            out,
            "parameter {id}: Money \"{label}\" {{\n  source \"Government decision No. {}-N\"\n  from 2020-01-01: {}\n  from 2024-07-01: {}\n}}\n",
            100 + i,
            group(*value),
            group(value + value / 10),
        );
    }
    let decimals = [
        (
            "family_benefit_threshold",
            "Vulnerability score threshold",
            "30.00",
            "29.00",
        ),
        (
            "energy_aid_threshold",
            "Energy aid score threshold",
            "25.50",
            "24.00",
        ),
        (
            "rent_share_cap",
            "Largest share of rent covered",
            "0.50",
            "0.60",
        ),
        ("land_limit", "Largest land area, hectares", "1.5", "2.0"),
    ];
    for (id, label, old, new) in decimals {
        let _ = writeln!(
            out,
            "parameter {id}: Decimal \"{label}\" {{\n  from 2014-01-01: {old}\n  from 2023-01-01: {new}\n}}\n"
        );
    }
}

fn tables(out: &mut String) {
    out.push_str(
        r#"table birth_grant(order: Integer) -> Money "One-time childbirth grant" hit first {
  order | result
  <= 2  | 300_000
  <= 4  | 1_000_000
  *     | 1_500_000
}

table disability_supplement(group: Disability) -> Money "Disability supplement" {
  group   | result
  none    | 0
  group_1 | 24_000
  group_2 | 16_000
  group_3 | 8_000
}

table region_coefficient(region: Region, mountain: Boolean) -> Decimal "Regional coefficient" hit first {
  region             | mountain | result
  {shirak, tavush}   | true     | 1.5
  {shirak, tavush}   | false    | 1.25
  *                  | true     | 1.2
  *                  | *        | 1.0
}

table school_allowance(grade: Integer) -> Money "School allowance by grade" {
  grade  | result
  1..4   | 10_000
  5..9   | 15_000
  10..12 | 20_000
}

"#,
    );
}

fn programme(out: &mut String, i: usize) {
    let (topic, en, hy, ru) = pick(&TOPICS, i);
    let sector = pick(&SECTORS, i / 2);
    let id = format!("{topic}_{i}");
    let _ = writeln!(
        out,
        "/// Programme {i}, generated.\nprogram {id} \"{en} {i}\" [hy: \"{hy} {i}\", ru: \"{ru} {i}\"] {{"
    );
    let household = i.is_multiple_of(2);
    let _ = writeln!(
        out,
        "  for {}\n  sector {sector}\n  legal \"Law on State Benefits, Article {}\"",
        if household { "Household" } else { "Person" },
        i % 40 + 1
    );
    // Earlier programmes of the same kind, to exercise cross-programme references.
    let earlier = i.checked_sub(2).map(|j| {
        let (t, ..) = pick(&TOPICS, j);
        format!("{t}_{j}")
    });
    if household {
        let children = i % 4 + 1;
        let _ = writeln!(
            out,
            "  eligible when vulnerability_score >= family_benefit_threshold and child_count >= {children}\n    \
             legal \"Government decision No. {}-N, point {}\"",
            145 + i,
            i % 12 + 1
        );
        let _ = writeln!(
            out,
            "  eligible when region in {{shirak, tavush, lori}} and income_per_member < poverty_line"
        );
        if i.is_multiple_of(3) {
            let _ = writeln!(
                out,
                "  eligible when has_disabled and (crowded or housing = shelter)"
            );
        }
        let _ = writeln!(out, "  unless owns_second_home or land_area > land_limit");
        if let Some(prev) = &earlier {
            if i.is_multiple_of(4) {
                let _ = writeln!(out, "  unless eligible({prev}) and large_family");
            }
        }
        let _ = writeln!(
            out,
            "  amount = round((family_benefit_base + child_supplement * child_count) * region_coefficient(region, mountain_settlement))"
        );
    } else {
        let age = 18 + (i * 7) % 50;
        let _ = writeln!(
            out,
            "  eligible when age >= {age} and insurance_years < {}\n    legal \"Law on State Pensions, Article {}\"",
            i % 15 + 5,
            i % 30 + 1
        );
        let _ = writeln!(
            out,
            "  eligible when severe_disability or (pregnant and low_income)"
        );
        if i % 3 == 1 {
            let _ = writeln!(out, "  eligible when truant or out_of_school");
        }
        let _ = writeln!(
            out,
            "  unless receives_insurance_pension\n    legal \"Law on State Pensions, Article 18\""
        );
        if let Some(prev) = &earlier {
            if i % 5 == 1 {
                let _ = writeln!(out, "  unless eligible({prev})");
            }
        }
        let _ = writeln!(
            out,
            "  amount = social_pension_base + disability_supplement(disability) + (veteran_supplement * {}) - income_or_zero * 10%",
            i % 3
        );
    }
    let _ = writeln!(
        out,
        "  apply \"Territorial centre of the Unified Social Service\"\n  documents \"Passport\", \"Application form No. {i}\"\n}}\n"
    );
}

fn pick<T: Copy>(items: &[T], i: usize) -> T {
    // `items` is never empty here: every list above is a non-empty constant.
    #[expect(
        clippy::indexing_slicing,
        reason = "INVARIANT: every list passed to `pick` is a non-empty constant, so `i % len` is in range"
    )]
    items[i % items.len()]
}

/// `18000` → `18_000`, as a policy analyst writes it.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push('_');
        }
        out.push(c);
    }
    out
}
