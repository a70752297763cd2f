# Writes the case corpus's events.jsonl and case.json files (the expected
# states are blessed from the engine and checked by hand). Run from this
# directory: python3 generate.py
import json, os
def O(at="2025-03-03", subj=None, **k):
    return dict(type="opened", at=at, protocol=k.pop("protocol", "out_of_school"),
                subject=subj if subj is not None else {"in_school": False, "disability": "none"}, **k)
notify = dict(type="completed", step="notify", by="school_coordinator", at="2025-03-04")
answers = {"speech_delay": True, "health_concern": 0, "basic_care": 2, "housing": True, "income_problem": False}
assess = dict(type="assessed", step="assess", by="social_worker", at="2025-03-12", answers=answers)
consent = dict(type="consent", given=True, by="case_manager", at="2025-03-13")
plan = dict(type="completed", step="plan", by="case_manager", at="2025-03-13")
p1 = dict(type="planned", need="speech_therapy", service="speech_therapy", provider="speech_centre", responsible="case_manager", goal="Speech appropriate for the child's age", review="2025-06-02", by="case_manager", at="2025-03-13")
p2 = dict(type="planned", need="family_counselling", service="family_counselling", provider="family_ngo", responsible="social_worker", goal="Parents keep daily routines", review="2025-05-05", by="case_manager", at="2025-03-13")
r1 = dict(type="referred", step="refer", need="speech_therapy", provider="speech_centre", by="case_manager", at="2025-03-14")
r2 = dict(type="referred", step="refer", need="family_counselling", provider="family_ngo", service="family_counselling", by="case_manager", at="2025-03-14")
a1 = dict(type="referral_accepted", need="speech_therapy", by="case_manager", at="2025-03-17")
d2 = dict(type="referral_declined", need="family_counselling", reason="no places until June", by="case_manager", at="2025-03-18")
r2b = dict(type="referred", step="refer", need="family_counselling", provider="social_office", by="case_manager", at="2025-03-19")
c1 = dict(type="completed", step="refer", need="speech_therapy", by="case_manager", at="2025-03-20")
c2 = dict(type="completed", step="refer", need="family_counselling", by="case_manager", at="2025-03-21")
rev1 = dict(type="completed", step="review", by="case_manager", at="2025-04-18")
reassess_low = {"speech_delay": True, "health_concern": 0, "basic_care": 0, "housing": True, "income_problem": False}
back = dict(type="facts", set={"in_school": True}, by="school_coordinator", at="2025-04-21")
closed = dict(type="closed", reason="back in school, goals met", by="case_manager", at="2025-05-02")
base = [O(case="AM-2025-0042", held_by="shirak_social_services"), notify, assess, consent, plan, p1, p2, r1, r2, a1, d2, r2b, c1, c2]

def case(name, events, as_of, role=None, catalogue=True, lang=None, raw=None, provider=None):
    os.makedirs(name, exist_ok=True)
    with open(f"{name}/events.jsonl", "w") as f:
        if raw is not None:
            f.write(raw)
        else:
            for e in events:
                f.write(json.dumps(e, ensure_ascii=False) + "\n")
    with open(f"{name}/case.json", "w") as f:
        body = dict(as_of=as_of, role=role, catalogue=catalogue, lang=lang)
        if provider is not None:
            body["provider"] = provider
        f.write(json.dumps(body) + "\n")

# Risk is medium here (total 2 + 2 = 4): closing needs a low risk.
case("plan_and_referrals", base + [rev1], "2025-04-22")
low_assess = dict(assess, answers=reassess_low)
full = [O(case="AM-2025-0043"), notify, low_assess, consent, plan, p1, r1, a1, c1,
        dict(type="referral_completed", need="speech_therapy", by="case_manager", at="2025-04-10"), rev1, back, closed]
case("school_notice_to_closure", full, "2025-06-01")
case("before_the_school_returns", full[:-2], "2025-04-20")
case("missed_deadline_escalation", [O(), notify], "2025-03-28")
case("escalation_not_yet", [O(), notify], "2025-03-21")
case("view_school_coordinator", base, "2025-03-28", role="school_coordinator")
case("view_social_worker", base, "2025-03-28", role="social_worker")
case("view_head_of_service", [O(), notify], "2025-03-28", role="head_of_service")
case("guard_rehabilitation", [O(subj={"in_school": False, "disability": "group_2"}), notify], "2025-03-05")
case("guard_facts_change", [O(subj={"in_school": False, "disability": "group_2"}), notify,
     dict(type="facts", set={"disability": "none"}, by="social_worker", at="2025-03-06")], "2025-03-07")
case("recurring_review", base + [rev1, dict(rev1, at="2025-05-16")], "2025-06-20")
case("assessment_in_two_visits", [O(), notify, dict(assess, answers={"speech_delay": True, "basic_care": 0}),
     dict(assess, at="2025-03-14", answers={"housing": True, "income_problem": False, "health_concern": 1})], "2025-03-14")
case("assessment_partial", [O(), notify, dict(assess, answers={"speech_delay": True})], "2025-03-14")
no_needs = {"speech_delay": False, "health_concern": 0, "basic_care": 0, "housing": True, "income_problem": False}
case("no_needs_no_referrals", [O(), notify, dict(assess, answers=no_needs), consent, plan], "2025-03-14")
case("reopened", full + [dict(type="reopened", reason="absent again", by="case_manager", at="2025-05-20")], "2025-06-30")
# `reason` is optional on `closed` and `reopened`: the history then says only what happened.
no_reason = lambda e: {k: v for k, v in e.items() if k != "reason"}
case("reopened_without_reasons", [no_reason(e) for e in full] + [dict(type="reopened", by="case_manager", at="2025-05-20")], "2025-06-30")
case("transfer_and_reassign", [O(held_by="tavush_social_services"), notify,
     dict(type="reassigned", role="social_worker", to="Ani Petrosyan", by="head_of_service", at="2025-03-05"),
     dict(type="transferred", to="shirak_social_services", reason="family moved to Gyumri", by="case_manager", at="2025-03-06"),
     {"type": "note", "text": "Family reached by phone; visit agreed for Monday.", "with": ["case_manager"], "by": "social_worker", "at": "2025-03-06"}],
     "2025-03-07")
case("later_events_not_applied", full, "2025-03-12")
case("labels_in_estonian", [O(), notify], "2025-03-05", lang="et")
case("calendar_days", [dict(type="opened", at="2025-12-20", protocol="follow_up", subject={})], "2026-01-05")
# Kazakhstan 2025 (calendar `kazakhstan_east`, extending `kazakhstan`): see the README.
kz = lambda at: dict(type="opened", at=at, protocol="kazakh_services", subject={})
case("due_after_a_moved_holiday", [kz("2025-03-06")], "2025-03-11")
case("due_after_a_decree_sunday", [kz("2025-01-02")], "2025-01-03")
case("deadlines_across_moved_holidays", [kz("2025-03-06"),
     dict(type="completed", step="apply", by="social_worker", at="2025-03-20")], "2025-03-27")
case("deadlines_across_a_decree_day", [kz("2025-01-02"),
     dict(type="completed", step="apply", by="social_worker", at="2025-01-06")], "2025-01-06")
case("reject_regional_calendar_year_end", [kz("2025-12-30")], "2025-12-30")
# Refused events.
case("reject_not_ready", [O(), dict(assess, at="2025-03-04")], "2025-03-10")
case("reject_wrong_role", [O(), dict(notify, by="social_worker")], "2025-03-10")
case("reject_unknown_role", [O(), dict(notify, by="teacher")], "2025-03-10")
case("reject_unknown_step", [O(), dict(notify, step="notfy")], "2025-03-10")
case("reject_no_consent", [O(), notify, assess, plan], "2025-03-20")
case("reject_consent_withdrawn", [O(), notify, assess, consent, dict(consent, given=False, at="2025-03-13"), plan], "2025-03-20")
case("reject_consent_refused", [O(), notify, assess, dict(consent, given=False), plan], "2025-03-20")
case("reject_date_order", [O(), dict(notify, at="2025-03-01")], "2025-03-10")
case("reject_close_not_ready", base + [dict(closed, at="2025-03-25")], "2025-03-28")
case("reject_close_before_school", full[:-2] + [dict(closed, at="2025-04-20")], "2025-04-25")
case("reject_after_close", full + [dict(type="facts", set={"in_school": False}, by="school_coordinator", at="2025-05-05")], "2025-06-01")
case("reject_start_condition", [O(subj={"in_school": True, "unexcused_absence_days": 2})], "2025-03-10")
case("reject_bad_facts", [O(subj={"in_school": "no"})], "2025-03-10")
case("reject_twice_opened", [O(), O(at="2025-03-04")], "2025-03-10")
case("reject_done_twice", [O(), notify, dict(notify, at="2025-03-05")], "2025-03-10")
case("reject_need_not_found", [O(), notify, assess, consent, plan, dict(r1, need="social_benefit_check", provider="social_office")], "2025-03-20")
case("reject_provider_unknown", [O(), notify, assess, consent, plan, dict(r1, provider="speech_centr")], "2025-03-20")
case("reject_provider_service", [O(), notify, assess, consent, plan, dict(r1, provider="family_ngo")], "2025-03-20")
case("reject_plan_service", [O(), notify, assess, dict(p1, service="family_counselling", provider=None)], "2025-03-20")
case("reject_referral_twice", [O(), notify, assess, consent, plan, r1, dict(r1, at="2025-03-15")], "2025-03-20")
case("reject_bad_answers", [O(), notify, dict(assess, answers={"speech_delay": "yes"})], "2025-03-20")
case("reject_calendar_year_end", [O(at="2025-12-22"), dict(notify, at="2025-12-23")], "2025-12-29")
case("reject_missing_field", [O(), {"type": "completed", "by": "school_coordinator", "at": "2025-03-04"}], "2025-03-10")
case("reject_malformed_lines", None, "2025-03-10", raw=json.dumps(O()) + "\n"
     + '{"type": "completed", "step": "notify", "nede": "x", "by": "school_coordinator", "at": "2025-03-04"}\n'
     + '{"type": "complete", "step": "notify", "by": "school_coordinator", "at": "2025-03-04"}\n'
     + '{"type": "completed", "step": "notify", "by": "school_coordinator", "at": "4 March"}\n'
     + 'not json\n')
# Protocol versions: the version in force on the opening day, or the one named.
case("version_in_force", [dict(type="opened", at="2026-01-05", protocol="follow_up", subject={})], "2026-01-20")
case("version_named", [dict(type="opened", at="2026-01-05", protocol="follow_up", version=1, subject={})], "2026-01-20")
case("reject_version_unknown", [dict(type="opened", at="2026-01-05", protocol="follow_up", version=3, subject={})], "2026-01-20")
# Deadlines across the May holidays (Thursday 1 May, Friday 9 May 2025).
case("deadlines_across_holidays", [O(at="2025-04-28"), dict(notify, at="2025-05-02")], "2025-05-06")
case("notify_due_across_a_holiday", [O(at="2025-04-28")], "2025-04-29")
# `found(STEP, NEED)` guards.
fs = lambda at="2025-03-03": dict(type="opened", at=at, protocol="family_support", subject={})
fs_answers = lambda income: {"speech_delay": False, "health_concern": 0, "basic_care": 0, "housing": True, "income_problem": income}
case("found_need_opens_a_step", [fs(), dict(type="assessed", step="assess", by="social_worker", at="2025-03-05", answers=fs_answers(True))], "2025-03-06")
case("need_not_found_keeps_a_step_waiting", [fs(), dict(type="assessed", step="assess", by="social_worker", at="2025-03-05", answers=fs_answers(False))], "2025-03-06")
# Scoped consent under `special_services` (`consent for referral to ngo, private`;
# speech_centre is state, social_office municipal, family_ngo an NGO). The answers
# find speech_therapy and family_counselling.
ss = lambda at="2025-03-03": dict(type="opened", at=at, protocol="special_services", subject={"in_school": False, "disability": "none"})
ss_assess = dict(type="assessed", step="assess", by="social_worker", at="2025-03-05", answers=answers)
def sc(at, given=True, **scope):
    e = dict(type="consent", given=given, by="case_manager", at=at)
    e.update(scope)
    return e
public = sc("2025-03-06", to={"kinds": ["state", "municipal"]}, data=["child_wellbeing", "plan"], purpose="referral to public services")
ngo = sc("2025-03-06", to={"kinds": ["ngo"]}, data=["child_wellbeing", "plan"], purpose="family counselling")
ref_speech = dict(type="referred", step="refer", need="speech_therapy", provider="speech_centre", service="speech_therapy", by="case_manager", at="2025-03-07")
ref_family = dict(type="referred", step="refer", need="family_counselling", provider="family_ngo", service="family_counselling", by="case_manager", at="2025-03-07")
acc_family = dict(type="referral_accepted", need="family_counselling", by="provider_staff", at="2025-03-10")
plan_family = dict(type="planned", need="family_counselling", service="family_counselling", provider="family_ngo", responsible="case_manager", goal="Parents keep daily routines", review="2025-06-02", by="case_manager", at="2025-03-11")
withdrawn = sc("2025-03-20", given=False, to={"kinds": ["ngo"]})
case("consent_scoped_state_not_ngo", [ss(), ss_assess, public, ref_speech], "2025-03-07")
case("reject_referral_ngo_not_covered", [ss(), ss_assess, public, ref_speech, ref_family], "2025-03-10")
case("reject_referral_consent_refused", [ss(), ss_assess, sc("2025-03-06", given=False, to={"kinds": ["ngo"]}), ref_family], "2025-03-10")
case("reject_acceptance_after_withdrawal", [ss(), ss_assess, ngo, ref_family, sc("2025-03-08", given=False, to={"providers": ["family_ngo"]}), acc_family], "2025-03-10")
case("reject_plan_consent_expired", [ss(), ss_assess, sc("2025-03-06", to={"providers": ["family_ngo"]}, data=["plan"], until="2025-03-10"), plan_family], "2025-03-12")
case("reject_referral_without_catalogue", [ss(), ss_assess, ref_speech], "2025-03-10", catalogue=False)
case("reject_consent_scope_unknown_role", [ss(), sc("2025-03-04", to={"roles": ["socal_worker"]})], "2025-03-10")
case("reject_consent_scope_unknown_data", [ss(), sc("2025-03-04", data=["wellbeing"])], "2025-03-10")
withdrawal = [ss(), ss_assess, public, ngo, ref_speech, ref_family, acc_family, plan_family, withdrawn]
case("consent_withdrawal_lists_disclosures", withdrawal, "2025-03-21")
case("view_provider_under_consent", withdrawal[:-1], "2025-03-12", role="provider_staff", provider="family_ngo")
case("view_provider_after_withdrawal", withdrawal, "2025-03-21", role="provider_staff", provider="family_ngo")
case("view_provider_state", withdrawal, "2025-03-21", role="provider_staff", provider="speech_centre")
case("reject_view_provider_missing", withdrawal, "2025-03-21", role="provider_staff")

# Issue 18's flow (protocol `service_flow`); the README's table has the reasoning.
def F(subj=None, **k):
    return O(protocol="service_flow", subj=subj, **k)
def fdone(step, at, need=None):
    e = dict(type="completed", step=step, by="case_manager", at=at)
    if need is not None:
        e["need"] = need
    return e
three_needs = {"speech_delay": True, "health_concern": 0, "basic_care": 2, "housing": True, "income_problem": True}
speech_only = {"speech_delay": True, "health_concern": 0, "basic_care": 0, "housing": True, "income_problem": False}
f_assess = dict(type="assessed", step="assess", by="social_worker", at="2025-03-05", answers=three_needs)
f_consent = dict(type="consent", given=True, by="case_manager", at="2025-03-06")
flow = [F(case="AM-2025-0100"), f_assess, f_consent, fdone("plan", "2025-03-07"), fdone("choose", "2025-03-10", "speech_therapy")]
case("flow_deadline_from_consent", flow[:2], "2025-03-05")
case("flow_chained_per_need", flow, "2025-03-12")
case("reject_flow_chained_need_not_ready", flow + [fdone("start_service", "2025-03-11", "family_counselling")], "2025-03-12")
unknown_disability = {"in_school": False}
flow_u = [F(subj=unknown_disability, case="AM-2025-0101"), f_assess, f_consent, fdone("plan", "2025-03-07")]
case("flow_where_unknown_waits", flow_u, "2025-03-07")
case("flow_where_decided_by_facts", flow_u + [dict(type="facts", set={"disability": "group_2"}, by="social_worker", at="2025-03-10")], "2025-03-11")
flow_b = [F(case="AM-2025-0102"), dict(f_assess, answers=speech_only), f_consent, fdone("plan", "2025-03-07"),
          fdone("choose", "2025-03-10", "speech_therapy"), fdone("start_service", "2025-03-12", "speech_therapy")]
case("flow_review_due_from_plan", flow_b, "2025-03-12")
case("flow_back_to_plan", flow_b + [fdone("review", "2025-03-20"), dict(f_consent, at="2025-03-21")], "2025-03-24")
case("flow_closed_as_withdrawn", flow[:2] + [dict(type="closed", step="withdrawn", reason="the family moved away", by="case_manager", at="2025-03-10")], "2025-03-12")
case("reject_closed_not_a_way", flow[:2] + [dict(type="closed", step="review", by="case_manager", at="2025-03-10")], "2025-03-12")
