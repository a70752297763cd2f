#!/usr/bin/env python3
"""Writes twenty.jdm.json: the twenty programmes of twenty.accord as a ZEN (GoRules JDM)
decision graph, the way a ZEN user would lay them out: a table of dated parameters, an
expression node for the household's figures, and one first-hit decision table per
programme (person programmes loop over the members). Run: python3 make_jdm.py"""
import json
import os

nodes, edges = [], []


def node(kind, name, content=None):
    nid = f"n{len(nodes)}"
    n = {"id": nid, "name": name, "type": kind, "position": {"x": 260 * len(nodes), "y": 100}}
    if content is not None:
        n["content"] = content
    if nodes:
        edges.append({"id": f"e{len(edges)}", "sourceId": nodes[-1]["id"], "targetId": nid, "type": "edge"})
    nodes.append(n)


def table(name, inputs, outputs, rules, loop=None):
    """inputs: [(id, label, field)]; outputs: [(id, field)]; rules: [dict of id -> cell]."""
    content = {
        "hitPolicy": "first",
        "inputs": [{"id": i, "name": label, "field": field} for i, label, field in inputs],
        "outputs": [{"id": o, "name": o, "field": field} for o, field in outputs],
        "rules": [{"_id": f"r{k}", **r} for k, r in enumerate(rules)],
        "passThrough": True,
        "inputField": None,
        "outputPath": None,
        "executionMode": "single",
    }
    if loop:
        content.update({"inputField": loop, "outputPath": loop, "executionMode": "loop"})
    node("decisionTableNode", name, content)


def programme(name, inputs, rules, amount=True, loop=None):
    """rules: [(cells, eligible, amount)]; the last row (no cells) is the ineligible default."""
    outputs = [("eligible", f"{name}.eligible")] + ([("amount", f"{name}.amount")] if amount else [])
    rows = []
    for cells, eligible, value in rules:
        row = dict(cells)
        row["eligible"] = "true" if eligible else "false"
        if amount:
            row["amount"] = value if eligible else "null"
        rows.append(row)
    rows.append({"eligible": "false", **({"amount": "null"} if amount else {})})
    table(name, inputs, outputs, rows, loop)


node("inputNode", "Request")

# Dated parameters: the version in force on the as-of date, newest first.
table(
    "Dated parameters",
    [("as_of", "As of", "")],
    [("family_benefit_threshold", "family_benefit_threshold"), ("child_supplement", "child_supplement"),
     ("poverty_line", "poverty_line")],
    [
        {"as_of": 'd(asOf) >= d("2024-07-01")', "family_benefit_threshold": "29", "child_supplement": "7500", "poverty_line": "52000"},
        {"as_of": 'd(asOf) >= d("2024-01-01")', "family_benefit_threshold": "29", "child_supplement": "6000", "poverty_line": "52000"},
        {"as_of": 'd(asOf) >= d("2023-01-01")', "family_benefit_threshold": "29", "child_supplement": "6000", "poverty_line": "45000"},
        {"as_of": 'd(asOf) >= d("2020-01-01")', "family_benefit_threshold": "30", "child_supplement": "6000", "poverty_line": "45000"},
    ],
)

household_figures = [
    ("size", "len(members)"),
    ("income", "sum(map(members, #.monthly_income))"),
    ("income_per_member", "$.income / $.size"),
    ("any_group_1", "some(members, #.disability == 'group_1')"),
    ("any_group_1_or_2", "some(members, #.disability in ['group_1', 'group_2'])"),
    # Each person with their age and what their programmes need of the household.
    ("people", "map(members, merge([#, {age: d(asOf).diff(d(#.birth_date), 'year'), "
               "household_score: vulnerability_score, household_income_per_member: $.income_per_member, "
               "household_any_group_1: $.any_group_1, poverty_line: poverty_line}]))"),
    ("child_count", "count($.people, #.age < 18)"),
    ("adult_count", "count($.people, #.age >= 18)"),
    ("school_children", "count($.people, #.age >= 6 and #.age <= 17 and #.in_school)"),
    ("disabled_children", "count($.people, #.disability == 'group_1' and #.age < 18)"),
    ("all_aged_63", "all($.people, #.age >= 63)"),
    ("any_infant", "some($.people, #.age < 1)"),
]
node("expressionNode", "Household figures", {
    "expressions": [{"id": f"x{i}", "key": k, "value": v} for i, (k, v) in enumerate(household_figures)],
    "passThrough": True, "inputField": None, "outputPath": None, "executionMode": "single",
})

SCORE = ("score", "Vulnerability score", "vulnerability_score")
IPM = ("ipm", "Income per member", "income_per_member")
CHILDREN = ("children", "Children", "child_count")
OWNS = ("owns", "Owns dwelling", "owns_dwelling")
FB = ("fb", "Family benefit", "family_benefit.eligible")

programme("family_benefit", [SCORE, CHILDREN], [
    ({"score": ">= family_benefit_threshold"}, True, "18000 + child_supplement * child_count"),
    ({"score": ">= 25", "children": ">= 3"}, True, "18000 + child_supplement * child_count"),
])
programme("low_income_allowance", [IPM, OWNS, SCORE], [
    ({"owns": "true", "score": "< 10"}, False, None),
    ({"ipm": "< poverty_line"}, True, "min([round((poverty_line - income_per_member) * size), 60000])"),
])
programme("large_family_grant", [CHILDREN], [
    ({"children": ">= 4"}, True, "12000 * child_count"),
])
programme("energy_subsidy", [("region", "Region", "region"), IPM, FB,
                             ("dis", "Disability group 1 or 2", "any_group_1_or_2")], [
    ({"region": '"yerevan"', "ipm": ">= poverty_line"}, False, None),
    ({"fb": "true"}, True, "min([8000 + 1500 * size, 15000])"),
    ({"dis": "true"}, True, "min([8000 + 1500 * size, 15000])"),
])
programme("housing_support", [IPM, OWNS, SCORE, ("region", "Region", "region")], [
    ({"ipm": "> poverty_line * 3"}, False, None),
    ({"owns": "false", "score": ">= 20", "region": '"yerevan"'}, True, "30000"),
    ({"owns": "false", "score": ">= 20", "region": '"shirak", "lori"'}, True, "20000"),
    ({"owns": "false", "score": ">= 20", "region": '"tavush", "syunik"'}, True, "15000"),
])
programme("mountain_supplement", [("settlement", "Settlement", "settlement"), FB], [
    ({"settlement": '"mountainous"', "fb": "true"}, True, "family_benefit.amount * 0.10"),
])
programme("school_supplies", [IPM, ("pupils", "Pupils", "school_children")], [
    ({"ipm": ">= poverty_line * 2"}, False, None),
    ({"pupils": ">= 1"}, True, "25000 * school_children"),
])
programme("elderly_household_support", [IPM, ("elderly", "All aged 63+", "all_aged_63")], [
    ({"ipm": ">= poverty_line * 2"}, False, None),
    ({"elderly": "true"}, True, "9000 * size"),
])
programme("single_parent_allowance", [("adults", "Adults", "adult_count"), CHILDREN], [
    ({"adults": "1", "children": ">= 1"}, True, "11000 * child_count"),
])
programme("childbirth_grant", [("infant", "Infant", "any_infant"), CHILDREN], [
    ({"infant": "true", "children": "<= 2"}, True, "300000"),
    ({"infant": "true", "children": "<= 4"}, True, "1000000"),
    ({"infant": "true"}, True, "1500000"),
])
programme("disabled_child_care", [SCORE, ("dc", "Disabled children", "disabled_children")], [
    ({"score": "< 5"}, False, None),
    ({"dc": ">= 1"}, True, "20000 * disabled_children"),
])
programme("emergency_food", [FB, SCORE, IPM], [
    ({"fb": "true"}, False, None),
    ({"score": ">= 35"}, True, None),
    ({"ipm": "< poverty_line / 2"}, True, None),
], amount=False)

# Person programmes: one row of results per member, written into `people[i]`.
AGE = ("age", "Age", "age")
RIP = ("rip", "Insurance pension", "receives_insurance_pension")
EMPLOYED = ("employed", "Employed", "employed")
INCOME = ("income", "Monthly income", "monthly_income")
P = "people"

programme("old_age_social_pension", [RIP, AGE, ("ins", "Insurance years", "insurance_years")], [
    ({"rip": "true"}, False, None),
    ({"age": ">= 65", "ins": "< 10"}, True, "32500"),
], loop=P)
programme("disability_pension", [RIP, ("dis", "Disability", "disability"), AGE], [
    ({"rip": "true"}, False, None),
    ({"dis": '"group_1"', "age": ">= 18"}, True, "40000"),
    ({"dis": '"group_2"', "age": ">= 18"}, True, "30000"),
    ({"dis": '"group_3"', "age": ">= 18"}, True, "20000"),
], loop=P)
programme("child_disability_benefit", [("dis", "Disability", "disability"), AGE], [
    ({"dis": '"group_1", "group_2", "group_3"', "age": "< 18"}, True, "28000"),
], loop=P)
programme("child_benefit", [AGE, ("score", "Household score", "household_score")], [
    ({"age": "< 2"}, True, "15000"),
    ({"age": "< 6"}, True, "10000"),
    ({"age": "< 18", "score": ">= 25"}, True, "10000"),
], loop=P)
programme("unemployment_assistance", [RIP, AGE, EMPLOYED, INCOME], [
    ({"rip": "true"}, False, None),
    ({"age": "[18..62]", "employed": "false", "income": "< 10000"}, True,
     "max([12000, min([1200 * insurance_years, 30000])])"),
], loop=P)
programme("school_attendance_bonus", [("hipm", "Household income per member", "household_income_per_member"),
                                      AGE, ("school", "In school", "in_school")], [
    ({"hipm": ">= poverty_line * 2"}, False, None),
    ({"age": "[6..17]", "school": "true"}, True, "5000"),
], loop=P)
programme("maternity_benefit", [EMPLOYED, INCOME, ("pregnant", "Pregnant", "pregnant"), AGE], [
    ({"employed": "true", "income": ">= 150000"}, False, None),
    ({"pregnant": "true", "age": ">= 16"}, True, "50000"),
], loop=P)
programme("carer_allowance", [("oasp", "Old-age social pension", "old_age_social_pension.eligible"), AGE,
                              EMPLOYED, ("g1", "Group 1 in household", "household_any_group_1")], [
    ({"oasp": "true"}, False, None),
    ({"age": ">= 18", "employed": "false", "g1": "true"}, True, "16000"),
], loop=P)

node("outputNode", "Response")

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "twenty.jdm.json")
with open(out, "w") as f:
    json.dump({"nodes": nodes, "edges": edges}, f, indent=2)
    f.write("\n")
print(f"wrote {out}: {len(nodes)} nodes")
