// The conformance corpus (tests/conformance/, format in its README) through the
// Kotlin bindings on the JVM: every case must give exactly the bytes of its
// expected file. Then the typed exceptions, garbage input and threads.
//
// Run by bindings/uniffi/test.sh:
//   kotlinc accord.kt Conformance.kt -cp jna.jar -d conformance.jar
//   java -Djna.library.path=target/debug -cp conformance.jar:jna.jar:kotlin-stdlib.jar \
//       ConformanceKt <repository root>
// Exits 1 when anything fails.

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess
import uniffi.accord.AccordException
import uniffi.accord.Ruleset
import uniffi.accord.SourceFile
import uniffi.accord.TableOptions
import uniffi.accord.TableProgress
import uniffi.accord.check
import uniffi.accord.format

/** A minimal JSON reader for case.json: maps, lists, strings, numbers, booleans, null. */
class JsonReader(private val text: String) {
    private var at = 0

    fun document(): Any? {
        val value = value()
        space()
        if (at != text.length) fail("text after the document")
        return value
    }

    private fun fail(why: String): Nothing = throw IllegalArgumentException("JSON at $at: $why")

    private fun space() {
        while (at < text.length && text[at] in " \t\r\n\uFEFF") at++
    }

    private fun value(): Any? {
        space()
        if (at >= text.length) fail("unexpected end")
        return when (text[at]) {
            '{' -> obj()
            '[' -> list()
            '"' -> string()
            't' -> word("true", true)
            'f' -> word("false", false)
            'n' -> word("null", null)
            else -> number()
        }
    }

    private fun word(w: String, v: Any?): Any? {
        if (!text.startsWith(w, at)) fail("expected $w")
        at += w.length
        return v
    }

    private fun obj(): Map<String, Any?> {
        val map = LinkedHashMap<String, Any?>()
        at++
        space()
        if (text.getOrNull(at) == '}') { at++; return map }
        while (true) {
            space()
            if (text.getOrNull(at) != '"') fail("expected a key")
            val key = string()
            space()
            if (text.getOrNull(at) != ':') fail("expected :")
            at++
            map[key] = value()
            space()
            when (text.getOrNull(at)) {
                ',' -> at++
                '}' -> { at++; return map }
                else -> fail("expected , or }")
            }
        }
    }

    private fun list(): List<Any?> {
        val list = ArrayList<Any?>()
        at++
        space()
        if (text.getOrNull(at) == ']') { at++; return list }
        while (true) {
            list.add(value())
            space()
            when (text.getOrNull(at)) {
                ',' -> at++
                ']' -> { at++; return list }
                else -> fail("expected , or ]")
            }
        }
    }

    private fun string(): String {
        val out = StringBuilder()
        at++
        while (true) {
            if (at >= text.length) fail("unterminated string")
            val c = text[at++]
            when (c) {
                '"' -> return out.toString()
                '\\' -> {
                    val e = text.getOrNull(at++) ?: fail("unterminated escape")
                    when (e) {
                        '"' -> out.append('"')
                        '\\' -> out.append('\\')
                        '/' -> out.append('/')
                        'b' -> out.append('\b')
                        'f' -> out.append('\u000C')
                        'n' -> out.append('\n')
                        'r' -> out.append('\r')
                        't' -> out.append('\t')
                        'u' -> {
                            if (at + 4 > text.length) fail("short \\u escape")
                            out.append(text.substring(at, at + 4).toInt(16).toChar())
                            at += 4
                        }
                        else -> fail("unknown escape \\$e")
                    }
                }
                else -> out.append(c)
            }
        }
    }

    private fun number(): Any {
        val start = at
        while (at < text.length && text[at] in "+-0123456789.eE") at++
        val n = text.substring(start, at)
        if (n.isEmpty()) fail("unexpected character")
        return n.toLongOrNull() ?: n.toDoubleOrNull() ?: fail("bad number $n")
    }
}

fun readText(path: Path): String = String(Files.readAllBytes(path), Charsets.UTF_8)

/** Compares file names by their UTF-8 bytes, as the corpus README sorts them. */
val byBytes = Comparator<String> { a, b ->
    val x = a.toByteArray(Charsets.UTF_8)
    val y = b.toByteArray(Charsets.UTF_8)
    var i = 0
    while (i < x.size && i < y.size) {
        val d = (x[i].toInt() and 0xff) - (y[i].toInt() and 0xff)
        if (d != 0) return@Comparator d
        i++
    }
    x.size - y.size
}

/** The `*.accord` files of a ruleset directory, sorted, named by file name. */
fun sources(dir: Path): List<SourceFile> =
    Files.list(dir).use { s -> s.toList() }
        .filter { Files.isRegularFile(it) && it.fileName.toString().endsWith(".accord") }
        .sortedWith(compareBy(byBytes) { it.fileName.toString() })
        .map { SourceFile(it.fileName.toString(), readText(it)) }

class Args(private val dir: Path, private val args: Map<String, Any?>) {
    fun opt(name: String): String? = when (val v = args[name]) {
        null -> null
        is String -> if (v.startsWith("@")) readText(dir.resolve(v.substring(1))) else v
        else -> throw IllegalArgumentException("${dir.fileName}: argument `$name` is not a string")
    }

    fun req(name: String): String =
        opt(name) ?: throw IllegalArgumentException("${dir.fileName}: argument `$name` missing")

    fun flag(name: String): Boolean = args[name] == true

    fun number(name: String): UInt? = (args[name] as? Long)?.toUInt()

    /** An object argument (`caseload`'s `cases`) as JSON text, each `@file`
     *  value replaced by the file's text; a string is passed as it is. */
    fun cases(name: String): String = when (val v = args[name]) {
        is Map<*, *> -> v.entries.joinToString(",", "{", "}") { (k, x) ->
            jsonString(k as String) + ":" + jsonString(Args(dir, mapOf("v" to x)).req("v"))
        }
        else -> req(name)
    }
}

/** `text` as a JSON string literal. */
fun jsonString(text: String): String {
    val out = StringBuilder("\"")
    for (c in text) {
        when {
            c == '"' -> out.append("\\\"")
            c == '\\' -> out.append("\\\\")
            c == '\n' -> out.append("\\n")
            c == '\r' -> out.append("\\r")
            c == '\t' -> out.append("\\t")
            c < ' ' -> out.append(String.format("\\u%04x", c.code))
            else -> out.append(c)
        }
    }
    return out.append('"').toString()
}

/** The error's JSON, whatever the variant. */
fun errorJson(e: AccordException): String = when (e) {
    is AccordException.Ruleset -> e.json
    is AccordException.Input -> e.json
    is AccordException.Case -> e.json
    is AccordException.Request -> e.json
}

/** Runs one case: (true, output) or (false, the error's JSON). */
fun run(root: Path, dir: Path): Pair<Boolean, String> {
    @Suppress("UNCHECKED_CAST")
    val case = JsonReader(readText(dir.resolve("case.json"))).document() as Map<String, Any?>
    return try {
        Pair(true, call(root, dir, case))
    } catch (e: AccordException) {
        Pair(false, errorJson(e))
    }
}

fun call(root: Path, dir: Path, case: Map<String, Any?>): String {
    val files = sources(root.resolve(case["ruleset"] as String))
    @Suppress("UNCHECKED_CAST")
    val a = Args(dir, (case["args"] as? Map<String, Any?>) ?: emptyMap())
    val lang = a.opt("lang")
    when (val name = case["call"] as String) {
        "check" -> return check(files)
        "format" -> return format(SourceFile(a.req("name"), a.req("source")))
        else -> {
            val entity = case["entity"] as String?
            val loaded = if (entity == null) Ruleset.load(files) else Ruleset.loadWithEntity(files, entity)
            // A reform laid over the ruleset (§22): the call runs on the reformed one.
            val reform = case["reform"] as String?
            val settings = case["settings"] as String?
            val ruleset = if (reform == null && settings == null) loaded else loaded.use { base ->
                val reformFiles = reform?.let {
                    val path = root.resolve(it)
                    listOf(SourceFile(path.fileName.toString(), readText(path)))
                } ?: emptyList()
                base.reform(reformFiles, settings)
            }
            return ruleset.use { base ->
                // Builders: each gives a new ruleset, the one before unchanged.
                val catalogued = (case["catalogue"] as String?)?.let { base.withCatalogue(readText(root.resolve(it))) } ?: base
                val r = (case["ratings"] as String?)?.let { catalogued.withRatings(readText(root.resolve(it))) } ?: catalogued
                when (name) {
                    "load" -> r.info()
                    "warnings" -> r.warnings()
                    "screen" -> r.screen(a.req("facts"), a.req("as_of"), lang)
                    "next_questions" -> r.nextQuestions(a.req("facts"), a.req("as_of"), lang)
                    "explain" -> r.explain(a.req("facts"), a.req("as_of"), a.req("program"), lang)
                    "screen_jsonl" -> r.screenJsonlReport(
                        a.req("lines"), a.req("as_of"), a.flag("explain"), lang,
                        idKey = a.opt("id_key"), statuses = a.opt("statuses")?.split(","),
                    ).text
                    "compare" -> r.compare(
                        listOf(SourceFile(a.req("reform_name"), a.req("reform"))),
                        a.req("lines"), a.req("as_of"), a.req("options"), lang,
                    )
                    "answer" -> r.answer(a.req("facts"), a.req("path"), a.req("value"))
                    "schema" -> r.schema(lang)
                    "assessment_form" -> r.assessmentForm(a.opt("assessment"))
                    "assess" -> r.assess(a.opt("assessment"), a.req("answers"), lang)
                    "providers" -> r.providers(a.req("need"), a.opt("region"), lang)
                    "case_state" -> r.caseState(a.req("log"), a.req("as_of"), a.opt("role"), lang)
                    "case_view" -> r.caseView(a.req("log"), a.req("as_of"), a.opt("role"), a.opt("provider"), lang)
                    "case_add" -> r.caseAdd(a.req("log"), a.req("event"))
                    "merge" -> r.merge(a.req("a"), a.req("b"))
                    "graph" -> r.graph(a.opt("protocol"), a.req("format"), a.number("version"), lang)
                    "run_tests" -> r.runTests()
                    "needs_map" -> r.needsMap(a.req("results"))
                    "providers_for_result" -> r.providersForResult(a.req("result"), a.opt("region"), lang)
                    "caseload" -> r.caseload(a.cases("cases"), a.req("as_of"), a.opt("role"), lang)
                    else -> throw IllegalArgumentException("${dir.fileName}: unknown call `$name`")
                }
            }
        }
    }
}

val failures = ArrayList<String>()

fun expect(what: String, ok: Boolean) {
    if (!ok) failures.add(what)
}

/** Runs `block`, expecting it to throw `T`; returns it (null and a failure otherwise). */
inline fun <reified T : AccordException> raises(what: String, block: () -> Unit): T? {
    try {
        block()
    } catch (e: AccordException) {
        if (e is T) return e
        failures.add("$what: raised ${e::class.simpleName}, not ${T::class.simpleName}")
        return null
    }
    failures.add("$what: raised nothing")
    return null
}

fun corpus(root: Path): Int {
    val cases = root.resolve("tests/conformance/cases")
    val dirs = Files.list(cases).use { s -> s.toList() }
        .filter { Files.isRegularFile(it.resolve("case.json")) }
        .sortedWith(compareBy(byBytes) { it.fileName.toString() })
    expect("the corpus has its cases (${dirs.size})", dirs.size >= 100)
    for (dir in dirs) {
        val (ok, text) = try {
            run(root, dir)
        } catch (e: Exception) {
            failures.add("${dir.fileName}: ${e::class.simpleName}: ${e.message}")
            continue
        }
        val path = dir.resolve(if (ok) "expected.out" else "expected.err.json")
        if (!Files.isRegularFile(path)) {
            failures.add("${dir.fileName}: gave ${if (ok) "an output" else "an error"} but has no ${path.fileName}")
            continue
        }
        if (!Files.readAllBytes(path).contentEquals(text.toByteArray(Charsets.UTF_8))) {
            failures.add("${dir.fileName}: differs from ${path.fileName}\n--- got\n$text")
        }
    }
    return dirs.size
}

fun api(root: Path): Int {
    var checks = 0
    val armenia = root.resolve("examples/armenia")
    val facts = readText(armenia.resolve("facts/family_complete.json"))
    val log = readText(armenia.resolve("cases/out_of_school/in_progress.jsonl"))
    Ruleset.load(sources(armenia)).use { r ->
        raises<AccordException.Ruleset>("a ruleset with errors") {
            Ruleset.load(listOf(SourceFile("bad.accord", "program {")))
        }?.let { e ->
            expect("ruleset error code", e.code.startsWith("E"))
            expect("ruleset error file", e.problems.firstOrNull()?.file == "bad.accord")
            expect("ruleset error line", e.problems.firstOrNull()?.line == 1UL)
            expect("ruleset error json", e.json.contains("\"kind\": \"ruleset\""))
            expect("ruleset error summary", e.json.contains(e.summary))
        }
        checks++
        raises<AccordException.Input>("bad facts") { r.screen("{\"region\": 3}", "2025-03-01") }?.let { e ->
            expect("input error code ${e.code}", e.code.startsWith("F"))
            expect("input error path", e.problems.firstOrNull()?.path != null)
        }
        checks++
        raises<AccordException.Case>("a bad event") { r.caseAdd(log, "{not json") }?.let { e ->
            expect("case error code ${e.code}", e.code.startsWith("C"))
        }
        checks++
        raises<AccordException.Request>("a bad date") { r.screen(facts, "1 March 2025") }?.let { e ->
            expect("request error code ${e.code}", e.code == "U0001")
            expect("request problems", e.problems.size == 1 && e.problems[0].severity == "error")
        }
        checks++
        raises<AccordException.Request>("a bad graph format") { r.graph(null, "svg") }
        raises<AccordException.Request>("providers without a catalogue") { r.providers("health_care") }
        raises<AccordException.Ruleset>("format with a syntax error") { format(SourceFile("a.accord", "program {")) }
        checks += 3
        expect("defaults", r.screen(facts, "2025-03-01") == r.screen(facts, "2025-03-01", null))
        checks++

        // A reform is a new ruleset; the base is untouched.
        val compare = root.resolve("tests/compare")
        Ruleset.load(sources(compare.resolve("base"))).use { base ->
            val household = "{\"region\": \"north\", \"score\": 28, \"members\": [{\"age\": 2}]}"
            val before = base.screen(household, "2026-03-01")
            val reformFile = SourceFile("reform.accord", readText(compare.resolve("reform.accord")))
            base.reform(listOf(reformFile)).use { reformed ->
                expect("a reform's tests run", reformed.runTests().contains("\"file\": \"reform.accord\""))
                expect("a reform screens", reformed.screen(household, "2026-03-01").contains("\"amount\": \"15000\""))
            }
            val set = "[{\"name\": \"family_benefit_threshold\", \"value\": 27, \"from\": \"2026-01-01\"}]"
            base.reform(emptyList(), set).use { reformed ->
                expect("a setting screens", reformed.screen(household, "2026-03-01").contains("\"amount\": \"15000\""))
            }
            expect("the base is untouched", base.screen(household, "2026-03-01") == before)
            raises<AccordException.Ruleset>("a reform that does not check") {
                base.reform(listOf(SourceFile("r.accord", "entity Person \"P\" {\n  age: Integer \"Age\"\n}\n")))
            }?.let { e -> expect("reform error E0901 at r.accord", e.code == "E0901" && e.problems[0].file == "r.accord") }
            raises<AccordException.Request>("a bad setting") {
                base.reform(emptyList(), "[{\"name\": \"nope\", \"value\": 1}]")
            }?.let { e -> expect("setting error U0031", e.code == "U0031") }
        }
        checks += 6

        // Garbage never crosses as anything but AccordException.
        val garbage = listOf("", "\u0000", "\uFEFF", "null", "[]", "{}", "[".repeat(10000),
            "{\"a\":".repeat(10000), "1e999999", "\n\n", "Ընտանիք", "x".repeat(100000),
            "members[18446744073709551616]", "a..b", "{\"type\": \"opened\"}")
        val calls: List<(String) -> Unit> = listOf(
            { s -> r.screen(s, s, s) }, { s -> r.screen(s, "2025-03-01") },
            { s -> r.nextQuestions(s, "2025-03-01") }, { s -> r.explain(facts, s, s) },
            { s -> r.screenJsonl(s, "2025-03-01", true) }, { s -> r.answer(s, s, s) },
            { s -> r.answer(facts, s, "1") }, { s -> r.schema(s) }, { s -> r.assessmentForm(s) },
            { s -> r.assess(null, s, s) }, { s -> r.providers(s, s, s) },
            { s -> r.caseState(s, s, s, s) }, { s -> r.caseAdd(s, s) }, { s -> r.caseAdd(log, s) },
            { s -> r.merge(s, s) }, { s -> r.graph(s, s) }, { s -> r.graph(null, "json", 4000000000u, s) },
            { s -> check(listOf(SourceFile(s, s))) }, { s -> format(SourceFile(s, s)) },
            { s -> Ruleset.load(listOf(SourceFile(s, s))).close() },
        )
        for (c in calls) for (s in garbage) {
            try {
                c(s)
            } catch (e: AccordException) {
                // expected
            } catch (e: Throwable) {
                failures.add("garbage: ${e::class.qualifiedName}: ${e.message}")
            }
            checks++
        }

        // A registry's counts and ids: four lines, `not json` and the empty
        // line refused in place; the ids carried through (the third has none).
        val lines = "{\"household_id\": \"H-1\", \"region\": \"shirak\"}\nnot json\n\n{\"region\": \"lori\"}\n"
        val report = r.screenJsonlReport(lines, "2025-03-01", idKey = "household_id", threads = 2u)
        expect("four lines, two bad, none out of work",
            report.lines == 4uL && report.bad == 2uL && report.workLimit == 0uL)
        expect("the id is carried", report.text.startsWith("{\"line\":1,\"id\":\"H-1\",\"results\":"))
        expect("no id is null", report.text.lines()[3].startsWith("{\"line\":4,\"id\":null,"))
        expect("screen without explanations", r.screen(facts, "2025-03-01", explain = false).contains("\"explanation\": null"))
        // with_catalogue gives a new ruleset; this one keeps none.
        raises<AccordException.Request>("providers without a catalogue") { r.providers("health_care") }
        checks += 5

        // One ruleset, many threads.
        val want = r.screen(facts, "2025-03-01", "hy")
        val pool = Executors.newFixedThreadPool(8)
        val results = (1..64).map { pool.submit(Callable { r.screen(facts, "2025-03-01", "hy") }) }
        for (f in results) expect("threads give the same answer", f.get() == want)
        pool.shutdown()
        pool.awaitTermination(1, TimeUnit.MINUTES)
        checks++
    }
    // The tables corpus (tests/tables/README.md: expected.csv worked out by
    // hand): households.csv with members.csv joined by id, to a CSV file.
    val tables = root.resolve("tests/tables")
    Ruleset.load(listOf(SourceFile("rules.accord", readText(tables.resolve("rules.accord"))))).use { r ->
        val out = Files.createTempFile("accord-tables", ".csv")
        Files.delete(out)
        var told = 0UL
        val progress = object : TableProgress {
            override fun progress(done: ULong, total: ULong?) { told = done }
        }
        val counts = r.screenFile(
            tables.resolve("households.csv").toString(), out.toString(),
            TableOptions(asOf = "2025-03-01", idColumn = "household_id", threads = 2u),
            tables.resolve("members.csv").toString(), progress)
        expect("tables: 5 households, 14 rows, 1 refused",
            counts.households == 5UL && counts.rows == 14UL && counts.bad == 1UL)
        expect("tables: progress told", told == 5UL)
        expect("tables: the hand-worked rows", readText(out) == readText(tables.resolve("expected.csv")))
        Files.deleteIfExists(out)
        raises<AccordException.Request>("tables: an unknown id column") {
            r.screenFile(tables.resolve("households.csv").toString(), out.toString(),
                TableOptions(asOf = "2025-03-01", idColumn = "hh"), null, null)
        }?.let { e -> expect("tables: U0040", e.code == "U0040") }
        // Only the eligible and the undetermined: expected.csv's rows of those
        // statuses (h1 twice, h2, h3) and h4's error row, which is always kept.
        val only = r.screenFile(tables.resolve("households.csv").toString(), out.toString(),
            TableOptions(asOf = "2025-03-01", idColumn = "household_id",
                statuses = listOf("eligible", "undetermined")),
            tables.resolve("members.csv").toString(), null)
        val kept = readText(tables.resolve("expected.csv")).lines().filterIndexed { i, line ->
            i == 0 || line.split(",").getOrNull(4) in setOf("eligible", "undetermined", "error")
        }
        expect("tables: statuses, 5 rows", only.rows == 5UL && only.bad == 1UL)
        expect("tables: statuses, the hand-worked rows of those statuses",
            readText(out).lines().filter { it.isNotEmpty() } == kept.filter { it.isNotEmpty() })
        Files.deleteIfExists(out)
        raises<AccordException.Request>("tables: a status misspelt") {
            r.screenFile(tables.resolve("households.csv").toString(), out.toString(),
                TableOptions(asOf = "2025-03-01", statuses = listOf("eligble")), null, null)
        }?.let { e -> expect("tables: U0045", e.code == "U0045") }
        checks += 4
    }
    return checks
}

fun main(args: Array<String>) {
    val root = Paths.get(args.getOrNull(0) ?: ".").toAbsolutePath().normalize()
    val started = System.nanoTime()
    val cases = corpus(root)
    val checks = api(root)
    val seconds = (System.nanoTime() - started) / 1e9
    for (f in failures) System.err.println("FAIL $f")
    println("kotlin: $cases conformance cases, $checks API checks, ${failures.size} failures (%.1f s)".format(seconds))
    if (failures.isNotEmpty()) exitProcess(1)
}
