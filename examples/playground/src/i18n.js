// The page's own words in English, Armenian and Russian. Engine outputs
// (labels, explanations, graphs) come in the same language through their
// `lang` argument.
export const LANGS = { en: 'English', hy: 'Հայերեն', ru: 'Русский' };

const T = {
  en: {
    title: 'Accord playground', example: 'Example', language: 'Language', asOf: 'As of',
    share: 'Copy share link', download: 'Download .zip', addFile: 'Add file', renameFile: 'Rename', deleteFile: 'Delete',
    newFileName: 'New file name', confirmDelete: 'Delete this file?', shared: 'Link copied to the address bar',
    tests: 'Tests', facts: 'Facts', protocol: 'Protocol', assessment: 'Assessment',
    passed: 'passed', failed: 'failed', noTests: 'No tests in this ruleset.', rulesetErrors: 'The ruleset has errors:',
    expected: 'expected', actual: 'actual', line: 'line',
    nextQuestions: 'Next questions', results: 'Results', unknown: 'unknown', yes: 'yes', no: 'no',
    addMember: 'Add', remove: 'Remove', eligible: 'eligible', ineligible: 'ineligible', undetermined: 'undetermined',
    missing: 'Missing', legal: 'Legal basis', apply: 'Where to apply', documents: 'Documents',
    noProtocol: 'This ruleset has no protocol.', role: 'Role', fullState: 'full state', event: 'Event', addEvent: 'Add event',
    resetCase: 'Reset case', tasks: 'Tasks', step: 'Step', due: 'Due', overdue: 'overdue', log: 'Event log', status: 'Status',
    noAssessment: 'This ruleset has no assessment.', needs: 'Needs', possibleNeeds: 'Possible needs', risk: 'Risk', scores: 'Scores',
    unanswered: 'Unanswered', loading: 'Loading the engine…', editor: 'Rules editor', files: 'Files', panels: 'Panels',
    graphLoading: 'Drawing the graph…', history: 'History',
  },
  hy: {
    title: 'Accord խաղադաշտ', example: 'Օրինակ', language: 'Լեզու', asOf: 'Ամսաթիվ',
    share: 'Պատճենել հղումը', download: 'Ներբեռնել .zip', addFile: 'Ավելացնել ֆայլ', renameFile: 'Վերանվանել', deleteFile: 'Ջնջել',
    newFileName: 'Ֆայլի նոր անուն', confirmDelete: 'Ջնջե՞լ այս ֆայլը', shared: 'Հղումը հասցեի տողում է',
    tests: 'Թեստեր', facts: 'Փաստեր', protocol: 'Արձանագրություն', assessment: 'Գնահատում',
    passed: 'անցավ', failed: 'ձախողվեց', noTests: 'Այս կանոնակարգում թեստեր չկան։', rulesetErrors: 'Կանոնակարգում սխալներ կան․',
    expected: 'սպասվում էր', actual: 'ստացվեց', line: 'տող',
    nextQuestions: 'Հաջորդ հարցերը', results: 'Արդյունքներ', unknown: 'անհայտ', yes: 'այո', no: 'ոչ',
    addMember: 'Ավելացնել', remove: 'Հեռացնել', eligible: 'իրավասու է', ineligible: 'իրավասու չէ', undetermined: 'անորոշ',
    missing: 'Բացակայում է', legal: 'Իրավական հիմք', apply: 'Որտեղ դիմել', documents: 'Փաստաթղթեր',
    noProtocol: 'Այս կանոնակարգում արձանագրություն չկա։', role: 'Դեր', fullState: 'ամբողջական վիճակ', event: 'Իրադարձություն', addEvent: 'Ավելացնել իրադարձություն',
    resetCase: 'Վերսկսել գործը', tasks: 'Առաջադրանքներ', step: 'Քայլ', due: 'Ժամկետ', overdue: 'ժամկետանց', log: 'Իրադարձությունների մատյան', status: 'Կարգավիճակ',
    noAssessment: 'Այս կանոնակարգում գնահատում չկա։', needs: 'Կարիքներ', possibleNeeds: 'Հնարավոր կարիքներ', risk: 'Ռիսկ', scores: 'Միավորներ',
    unanswered: 'Անպատասխան', loading: 'Շարժիչը բեռնվում է…', editor: 'Կանոնների խմբագիր', files: 'Ֆայլեր', panels: 'Վահանակներ',
    graphLoading: 'Գծապատկերը պատրաստվում է…', history: 'Պատմություն',
  },
  ru: {
    title: 'Песочница Accord', example: 'Пример', language: 'Язык', asOf: 'На дату',
    share: 'Скопировать ссылку', download: 'Скачать .zip', addFile: 'Добавить файл', renameFile: 'Переименовать', deleteFile: 'Удалить',
    newFileName: 'Новое имя файла', confirmDelete: 'Удалить этот файл?', shared: 'Ссылка в адресной строке',
    tests: 'Тесты', facts: 'Факты', protocol: 'Протокол', assessment: 'Оценка',
    passed: 'пройдено', failed: 'не пройдено', noTests: 'В этом наборе правил нет тестов.', rulesetErrors: 'В наборе правил есть ошибки:',
    expected: 'ожидалось', actual: 'получено', line: 'строка',
    nextQuestions: 'Следующие вопросы', results: 'Результаты', unknown: 'неизвестно', yes: 'да', no: 'нет',
    addMember: 'Добавить', remove: 'Убрать', eligible: 'имеет право', ineligible: 'не имеет права', undetermined: 'не определено',
    missing: 'Не хватает', legal: 'Правовое основание', apply: 'Куда обращаться', documents: 'Документы',
    noProtocol: 'В этом наборе правил нет протокола.', role: 'Роль', fullState: 'полное состояние', event: 'Событие', addEvent: 'Добавить событие',
    resetCase: 'Начать дело заново', tasks: 'Задачи', step: 'Шаг', due: 'Срок', overdue: 'просрочено', log: 'Журнал событий', status: 'Статус',
    noAssessment: 'В этом наборе правил нет оценки.', needs: 'Потребности', possibleNeeds: 'Возможные потребности', risk: 'Риск', scores: 'Баллы',
    unanswered: 'Без ответа', loading: 'Загрузка движка…', editor: 'Редактор правил', files: 'Файлы', panels: 'Панели',
    graphLoading: 'Строится граф…', history: 'История',
  },
};

let current = 'en';
export function setLang(l) { current = T[l] ? l : 'en'; }
export function lang() { return current; }
export function t(key) { return T[current][key] ?? T.en[key] ?? key; }
/** Fills every [data-i18n] element's text (and [data-i18n-label]'s aria-label). */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  document.documentElement.lang = current;
  document.title = t('title');
}
