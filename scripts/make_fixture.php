<?php
/**
 * Writes a deterministic sample JeraSoft Billing runtime.log for logminer's tests.
 *
 *   php scripts/make_fixture.php > fixtures/runtime.log
 *   php scripts/make_fixture.php fixtures/runtime.log
 *
 * Every dump is made by PHP's own print_r(), so the fixture carries the exact quirks a
 * parser must survive: "[k] => " with a trailing space for empty values, raw multi-line
 * values, the blank line after a nested array, objects, *RECURSION*.
 * Secret values (passwords, pins, session ids, tokens) all start with "SECRET-" and no
 * other value does, so tests can grep any output for leaks.
 */

declare(strict_types=1);

const SEED = 20240311;
const TZ_OFFSET = 7200;          // the log is written in local time, +0200 like the public sample
const START_UTC = 1710136800;    // 2024-03-11 06:00:00 UTC = 08:00 local
const FIRST_REQUEST = 260808;    // the request number of the public sample

/** Uniform pick from a list, driven by the seeded Mersenne Twister only. */
function pick(array $xs)
{
    $xs = array_values($xs);
    return $xs[mt_rand(0, count($xs) - 1)];
}

/** True with the given percent probability. */
function chance(int $pct): bool
{
    return mt_rand(1, 100) <= $pct;
}

/** A money amount as the web forms send it, e.g. "100.00". */
function money(int $lo, int $hi): string
{
    return sprintf('%d.%02d', mt_rand($lo, $hi), pick([0, 0, 0, 50, 25, 99]));
}

/** An id as a string: every leaf of $_REQUEST is a string. */
function id(int $hi): string
{
    return (string) mt_rand(1, $hi);
}

/** A date like 2013-03-30 somewhere in 2023-2024. */
function day(): string
{
    return sprintf('%04d-%02d-%02d', pick([2023, 2024]), mt_rand(1, 12), mt_rand(1, 28));
}

/** A datetime with the short offset JeraSoft prints, like 2013-03-30 16:26:15+03. */
function datetime(): string
{
    return sprintf('%s %02d:%02d:%02d+02', day(), mt_rand(0, 23), mt_rand(0, 59), mt_rand(0, 59));
}

/** Keeps a key only with the given probability; nulls are dropped by compact_args(). */
function maybe(int $pct, $value)
{
    return chance($pct) ? $value : null;
}

/** Drops the keys whose value is null, i.e. the arguments this call did not send. */
function compact_args(array $args): array
{
    return array_filter($args, static fn ($v) => $v !== null);
}

/** A secret value; the "SECRET-" prefix lets tests prove none of them leaks. */
function secret(string $kind): string
{
    return sprintf('SECRET-%s-%04d', $kind, mt_rand(0, 9999));
}

/** Writes entries with increasing time and request numbers. */
final class RuntimeLog
{
    public int $entries = 0;
    public int $requests = 0;
    private int $t = START_UTC;
    private int $req = FIRST_REQUEST;

    /** @param resource $fh */
    public function __construct(private $fh)
    {
    }

    /** Starts a new web request or cron run: time moves on, the request number grows. */
    public function next(int $maxGap = 1800): void
    {
        $this->t += mt_rand(5, $maxGap);
        $this->req += mt_rand(1, 17);
    }

    /** One entry; a print_r() dump inside $text ends in "\n", so it gets a blank line after it. */
    public function entry(string $component, string $kind, string $text): void
    {
        $this->t += mt_rand(0, 1);
        $stamp = gmdate('d-M-Y H:i:s', $this->t + TZ_OFFSET) . '+0200';
        fwrite($this->fh, "[$stamp] [$component/#{$this->req}] $kind: $text\n");
        $this->entries++;
    }

    /** The entry the miner is after: the path, then print_r($_REQUEST). */
    public function request(string $component, string $path, array $args): void
    {
        // $_REQUEST only ever holds strings at its leaves; keep the fixture honest about that.
        array_walk_recursive($args, static function ($v, $k) use ($path): void {
            if (!is_string($v)) {
                throw new LogicException("non-string argument $k in $path");
            }
        });
        $this->entry($component, 'REQUEST', $path . "\n" . print_r($args, true));
        $this->requests++;
    }

    /** A debug dump of any PHP value; not request arguments. */
    public function debug(string $component, string $message, $value): void
    {
        $this->entry($component, 'DEBUG', $message . "\n" . print_r($value, true));
    }

    /** A line written by another process, belonging to no entry. */
    public function stray(string $line): void
    {
        fwrite($this->fh, $line . "\n");
    }
}

/** A result set as a debug dump shows it: public, protected and private properties. */
class Db_Result
{
    public int $count;
    protected array $rows;
    private float $elapsed;
    private $cursor = null;

    public function __construct(array $rows, float $elapsed)
    {
        $this->count = count($rows);
        $this->rows = $rows;
        $this->elapsed = $elapsed;
    }
}

/** A tree node pointing back at itself, so print_r prints *RECURSION*. */
class Menu_Node
{
    public string $title;
    public ?Menu_Node $parent = null;
    protected bool $visible = true;
    public array $children = [];

    public function __construct(string $title)
    {
        $this->title = $title;
    }
}

/** A session holder whose private property is declared by the parent class. */
class Session_Base
{
    private string $storage = 'files';
}

/** The user session as the core dumps it; props from both classes show their owner. */
class Session_User extends Session_Base
{
    public string $login = 'admin';
    protected array $roles = ['admin', 'billing'];
    private ?int $idleSince = null;
}

const CP_MODULES = ['c_info', 'c_xdrs', 'c_invoices', 'c_payments', 'c_rates', 'c_reports', 'c_tickets'];
const STATUSES = ['active', 'active', 'active', 'suspended', 'closed'];
const CURRENCIES = ['1', '2', '27', '31'];
const CLIENT_NAMES = [
    'Acme Telecom', 'Nordic Carrier AB', 'Globex VoIP', 'Initech Voice', 'Sunrise Calls LLC',
    'Blue Ocean Telecom', 'ООО Ромашка', 'Wholesale Routes Ltd', 'Delta Connect', 'Umbrella Networks',
];

/** A subset of the control-panel modules a client may use. */
function cp_modules(): array
{
    $mods = array_values(array_filter(CP_MODULES, static fn () => chance(55)));
    return $mods ?: ['c_info'];
}

/** A short multi-line note; some use CRLF because browsers send textareas that way. */
function notes(): string
{
    return pick([
        "Prepaid customer.\nCall before suspending.",
        "Contract signed 2024-02-01\r\nNet 30",
        'Moved from old platform',
        '',
        "Two lines\nof notes",
    ]);
}

/** The clients.add form with the real argument list; only a few fields are always sent. */
function args_clients_add(bool $rpc): array
{
    $opt = $rpc ? 35 : 85;   // API callers send fewer optional fields than the web form
    $name = pick(CLIENT_NAMES) . ' ' . mt_rand(1, 999);
    return compact_args([
        'apply' => maybe($opt, '1'),
        'id_clients' => maybe($opt, ''),
        'name' => $name,
        'type' => pick(['0', '0', '1', '2']),
        'status' => pick(STATUSES),
        'id_companies' => id(12),
        'id_currencies' => pick(CURRENCIES),
        'credit' => maybe($opt, money(0, 5000)),
        'c_company' => maybe($opt, $name),
        'c_account' => maybe($opt, sprintf('ACC-%05d', mt_rand(1, 99999))),
        'c_address' => maybe($opt, pick(['', "12 Main St\nSpringfield", "Lindholmen 5\r\nGothenburg"])),
        'c_email' => maybe(50, sprintf('noc%d@example.net', mt_rand(1, 99))),
        'c_email_billing' => maybe($opt, sprintf('billing%d@example.net', mt_rand(1, 99))),
        'c_email_rates' => maybe($opt, 'rates@example.net'),
        'c_email_tech' => maybe($opt, ''),
        'tax_id' => maybe(40, sprintf('DE%09d', mt_rand(0, 999999999))),
        'reg_id' => maybe($opt, pick(['', 'HRB 12345', '7701234567'])),
        'id_payment_terms' => maybe($opt, id(6)),
        'id_taxes_profiles' => maybe($opt, id(4)),
        'id_invoices_templates' => maybe($opt, id(5)),
        'id_dr_plans' => maybe($opt, id(9)),
        'autoinvoice_last' => maybe($opt, pick(['', day()])),
        'bill_by_time' => maybe($opt, pick(['0', '1'])),
        'orig_rate_table' => maybe($opt, id(40)),
        'term_rate_table' => maybe($opt, id(40)),
        'orig_capacity' => maybe($opt, pick(['', '0', '30', '120'])),
        'term_capacity' => maybe($opt, pick(['', '0', '60'])),
        'low_balance_threshold' => maybe($opt, money(0, 100)),
        'low_balance_athreshold' => maybe($opt, money(0, 50)),
        'rates_notify_format' => maybe($opt, pick(['csv', 'xls'])),
        'rates_notify_type' => maybe($opt, pick(['0', '1', '2'])),
        'locale' => maybe($opt, pick(['en_US', 'ru_RU', 'uk_UA', 'de_DE'])),
        'tz' => maybe($opt, pick(['Europe/Kiev', 'UTC', 'America/New_York', 'Asia/Tokyo'])),
        'cp_login' => maybe($opt, 'client' . mt_rand(1, 999)),
        'cp_password' => maybe($opt - 10, secret('cp')),
        'cp_modules' => maybe($opt - 10, cp_modules()),
        'notes' => maybe(30, notes()),
    ]);
}

/** Argument builders for every method; each gets $rpc=true when called through the API. */
function method_table(): array
{
    return [
        'clients.add' => 'args_clients_add',
        'clients.edit' => static fn (bool $rpc) => compact_args([
            'apply' => '1',
            'id_clients' => id(250),
            'name' => maybe($rpc ? 50 : 100, pick(CLIENT_NAMES)),
            'id_companies' => maybe($rpc ? 40 : 100, id(12)),
            'status' => maybe($rpc ? 60 : 100, pick(STATUSES)),
            'credit' => maybe(70, money(0, 9000)),
            'c_email' => maybe(50, sprintf('ops%d@example.net', mt_rand(1, 99))),
            'c_company' => maybe(40, pick(CLIENT_NAMES)),
            'c_address' => maybe(30, pick(['', "Kreschatik 22\r\nKyiv\r\n01001"])),
        ]),
        'clients.editForm' => static fn () => ['id_clients' => id(250)],
        'clients.addForm' => static fn () => compact_args([
            'name' => maybe(50, pick(CLIENT_NAMES)),
            'groups' => maybe(60, pick(['Customers', 'Vendors', 'Customers,Resellers'])),
        ]),
        'clients.fieldsList' => static fn () => compact_args(['_preload' => maybe(60, '1'), 'id_clients' => id(250)]),
        'clients.fieldsUpdate' => static fn () => [
            'apply' => '1',
            'id_clients' => id(250),
            'fields' => array_map(
                static fn ($i) => ['id' => (string) (3 + $i), 'value' => pick(['yes', '', 'Gold', '2024-12-31', '15'])],
                range(0, mt_rand(0, 3))
            ),
        ],
        'clients.packagesList' => static fn () => ['id_clients' => id(250)],
        'clients.packagesAdd' => static fn () => ['id_clients' => id(250), 'id_packages' => id(30)],
        'clients.list' => static fn () => compact_args([
            'status' => maybe(50, pick(STATUSES)),
            'name' => maybe(30, pick(['acme', 'tele', ''])),
            'id_companies' => maybe(30, id(12)),
            'limit' => maybe(40, pick(['25', '50', '100'])),
        ]),
        'clients.delete' => static fn () => ['id_clients' => id(250), 'confirm' => '1'],
        'packages.list' => static fn () => [],
        'packages.editForm' => static fn () => ['id' => id(30)],
        'packages.add' => static fn () => compact_args([
            'apply' => '1',
            'name' => pick(['Unlimited EU', 'Starter 100', 'Night Calls']) . ' ' . mt_rand(1, 9),
            'price' => money(1, 99),
            'id_currencies' => pick(CURRENCIES),
            'period' => pick(['month', 'week', 'day']),
            'minutes' => maybe(70, pick(['100', '500', '1000'])),
        ]),
        'packages.edit' => static fn () => compact_args([
            'apply' => '1', 'id' => id(30), 'price' => maybe(80, money(1, 99)), 'status' => maybe(50, pick(STATUSES)),
        ]),
        'companies.add' => static fn () => compact_args([
            'type' => pick(['10', '10', '20']),
            'name' => pick(['Reseller', 'Agent', 'Partner']) . ' ' . mt_rand(1, 99),
            'id_companies' => pick(['', id(12)]),
            'prepaid' => pick(['0', '1']),
            'credit' => money(0, 1000),
            'id_currencies' => maybe(70, pick(CURRENCIES)),
            'c_email' => maybe(50, 'reseller@example.org'),
        ]),
        'companies.edit' => static fn () => compact_args([
            'apply' => '1', 'id_companies' => id(12), 'name' => maybe(60, 'Partner ' . mt_rand(1, 99)),
            'credit' => maybe(50, money(0, 1000)), 'prepaid' => maybe(40, pick(['0', '1'])),
        ]),
        'companies.list' => static fn () => compact_args(['type' => maybe(50, pick(['10', '20']))]),
        'currencies.list' => static fn () => [],
        'currencies.add' => static fn () => [
            'apply' => '1', 'name' => pick(['EUR', 'USD', 'UAH', 'GBP']), 'rate' => sprintf('%.4f', mt_rand(1, 50000) / 1000),
            'digits' => pick(['2', '4']),
        ],
        'rates.list' => static fn () => compact_args([
            'id_rate_tables' => id(40), 'code' => maybe(50, pick(['380', '44', '1', '7495'])),
            'effective_date' => maybe(40, day()),
        ]),
        'rates.import' => static fn () => compact_args([
            'id_rate_tables' => id(40),
            'file' => sprintf('rates_%s.%s', day(), pick(['csv', 'xls'])),
            'date_start' => datetime(),
            'notify' => maybe(60, pick(['0', '1'])),
            'close_other' => maybe(40, '1'),
        ]),
        'rate_tables.add' => static fn () => [
            'apply' => '1', 'name' => 'Table ' . mt_rand(1, 200), 'id_currencies' => pick(CURRENCIES),
            'type' => pick(['orig', 'term']),
        ],
        'rate_tables.list' => static fn () => compact_args(['id_currencies' => maybe(30, pick(CURRENCIES))]),
        'invoices.list' => static fn () => compact_args([
            'id_clients' => maybe(70, id(250)), 'date_from' => maybe(60, day()), 'date_to' => maybe(60, day()),
            'status' => maybe(30, pick(['paid', 'unpaid'])),
        ]),
        'invoices.generate' => static fn () => compact_args([
            'id_clients' => id(250), 'date_start' => day(), 'date_end' => day(),
            'id_invoices_templates' => maybe(60, id(5)), 'send' => maybe(50, pick(['0', '1'])),
        ]),
        'invoices.download' => static fn () => ['id' => id(5000), 'format' => pick(['pdf', 'pdf', 'xls'])],
        'payments.add' => static fn () => compact_args([
            'apply' => '1', 'id_clients' => id(250), 'amount' => money(10, 5000), 'date' => datetime(),
            'id_currencies' => maybe(70, pick(CURRENCIES)), 'notes' => maybe(30, pick(['Wire transfer', "Paid by card\nref 7731", ''])),
        ]),
        'payments.list' => static fn () => compact_args(['id_clients' => maybe(80, id(250)), 'date_from' => maybe(50, day())]),
        'users.add' => static fn () => compact_args([
            'apply' => '1', 'login' => 'operator' . mt_rand(1, 99), 'password' => secret('pw'),
            'email' => sprintf('op%d@example.com', mt_rand(1, 99)), 'id_roles' => id(6),
            'status' => pick(STATUSES),
        ]),
        'users.edit' => static fn () => compact_args([
            'apply' => '1', 'id' => id(40), 'email' => maybe(50, 'admin@example.com'),
            'password' => maybe(30, secret('pw')), 'status' => maybe(60, pick(STATUSES)),
        ]),
        'accounts.add' => static fn () => compact_args([
            'apply' => '1', 'id_clients' => id(250), 'login' => sprintf('38044%07d', mt_rand(0, 9999999)),
            'password' => secret('pw'), 'pin' => maybe(60, secret('pin')),
            'ip' => maybe(50, sprintf('203.0.113.%d', mt_rand(1, 254))), 'status' => pick(STATUSES),
        ]),
        'accounts.list' => static fn () => ['id_clients' => id(250)],
        'dr_plans.list' => static fn () => [],
        'taxes_profiles.list' => static fn () => compact_args(['id_companies' => maybe(40, id(12))]),
        'reports.summary' => static fn () => [
            'date_from' => day() . ' 00:00:00', 'date_to' => day() . ' 23:59:59',
            'group_by' => pick([['id_clients'], ['id_clients', 'id_dst_codes'], ['day']]),
        ],
        'reports.summary.export' => static fn () => compact_args([
            'filter' => compact_args(['date_from' => day(), 'date_to' => day(), 'id_clients' => maybe(60, id(250))]),
            'group_by' => ['id_clients', 'id_rate_tables'],
            'format' => pick(['csv', 'xls']),
        ]),
        'xdrs.list' => static fn () => compact_args([
            'date_from' => datetime(), 'date_to' => datetime(), 'id_clients' => maybe(60, id(250)),
            'src' => maybe(20, '380441234567'), 'limit' => maybe(50, '100'),
        ]),
        'xdrs.download' => static fn () => ['date_from' => datetime(), 'date_to' => datetime(), 'format' => pick(['csv', 'zip'])],
        'routing.edit' => static fn () => [
            'apply' => '1', 'id_dr_plans' => id(9),
            'rules' => array_map(
                static fn ($i) => ['prefix' => pick(['380', '44', '1', '49']), 'id_trunks' => id(20), 'weight' => (string) (10 * ($i + 1))],
                range(0, mt_rand(0, 2))
            ),
        ],
        'trunks.add' => static fn () => compact_args([
            'apply' => '1', 'name' => 'GW-' . mt_rand(1, 99), 'ip' => sprintf('198.51.100.%d', mt_rand(1, 254)),
            'port' => pick(['5060', '5080']), 'capacity' => maybe(50, pick(['30', '60', '120'])),
        ]),
        'settings.edit' => static fn () => [
            'apply' => '1', 'section' => 'mail',
            'settings' => ['mail' => compact_args(['from' => 'noc@example.com', 'copy_to' => maybe(50, 'audit@example.com')])],
        ],
        'dr_plans.add' => static fn () => ['apply' => '1', 'name' => 'Plan ' . mt_rand(1, 50), 'type' => pick(['lcr', 'priority'])],
        'taxes_profiles.add' => static fn () => ['apply' => '1', 'name' => 'VAT ' . mt_rand(5, 25) . '%', 'rate' => sprintf('%d.00', mt_rand(5, 25))],
    ];
}

/** How many random calls each method gets; the rest default to 5. */
const CALLS = [
    'clients.add' => 14, 'clients.editForm' => 12, 'clients.list' => 10, 'clients.edit' => 9,
    'xdrs.list' => 10, 'invoices.list' => 9, 'payments.add' => 8, 'payments.list' => 8,
    'rates.list' => 8, 'packages.list' => 6, 'reports.summary' => 7,
];

/** Components that issue each method, besides webAdmin. */
const PORTAL_METHODS = ['invoices.list', 'invoices.download', 'xdrs.list', 'xdrs.download', 'payments.list', 'rates.list', 'reports.summary'];
const API_MODULES = ['clients', 'packages', 'companies', 'invoices', 'payments', 'accounts', 'rates'];

/** A fixed-seed Fisher-Yates shuffle (PHP's shuffle() would work too; this keeps the order explicit). */
function shuffled(array $xs): array
{
    for ($i = count($xs) - 1; $i > 0; $i--) {
        $j = mt_rand(0, $i);
        [$xs[$i], $xs[$j]] = [$xs[$j], $xs[$i]];
    }
    return $xs;
}

/** The list of random calls: each method its number of times, in shuffled order. */
function schedule(array $methods): array
{
    $calls = [];
    foreach (array_keys($methods) as $m) {
        $calls = array_merge($calls, array_fill(0, CALLS[$m] ?? 5, $m));
    }
    return shuffled($calls);
}

/** The URL path for a method: dots become slashes, list pages sometimes carry a page number. */
function path_for(string $method, array &$args): string
{
    $path = '/' . str_replace('.', '/', $method);
    if (str_ends_with($method, '.list') && chance(25)) {
        $args['page'] = (string) mt_rand(2, 9);   // GET params land in $_REQUEST too
        $path .= '?page=' . $args['page'];
    }
    return $path;
}

/** Per-run API session state: log in with auth[], then reuse the SID for a while. */
final class ApiSession
{
    private ?string $sid = null;

    /** Adds auth[] on the first call of a session and SID afterwards. */
    public function sign(array $args): array
    {
        if ($this->sid === null || chance(15)) {
            $this->sid = sprintf('SECRET-sid-1-%s', substr(md5((string) mt_rand()), 0, 24));
            return $args + ['auth' => ['login' => 'api_billing', 'password' => secret('auth')]];
        }
        return $args + ['SID' => $this->sid];
    }
}

/** Emits one random request from a component that would plausibly send it; returns that component. */
function random_request(RuntimeLog $log, ApiSession $api, string $method, callable $build): string
{
    $module = explode('.', $method)[0];
    $roll = mt_rand(1, 100);
    if (in_array($method, PORTAL_METHODS, true) && $roll <= 30) {
        $component = 'webClient';
    } elseif (in_array($module, API_MODULES, true) && $roll >= 75) {
        $component = 'jsonrpc';
    } else {
        $component = 'webAdmin';
    }
    $args = $build($component === 'jsonrpc');
    $path = path_for($method, $args);
    if ($component === 'jsonrpc') {
        $args = $api->sign($args);
    }
    $log->request($component, $path, $args);
    return $component;
}

/** Hand-written requests covering every tricky value the parser must get right. */
function special_requests(): array
{
    $address = "г. Москва,\r\nул. Ленина, д. 1\r\nофис 5";
    return [
        ['webAdmin', '/companies/add', [
            'type' => '10', 'name' => 'TESTCOMPANY', 'id_companies' => '', 'prepaid' => '1', 'credit' => '0.00',
            'id_currencies' => '27', 'c_email' => '', 'notes' => '',
        ]],
        ['webAdmin', '/clients/add', [
            'apply' => '1', 'id_clients' => '', 'name' => 'ООО Ромашка', 'type' => '0', 'status' => 'active',
            'id_companies' => '3', 'id_currencies' => '31', 'credit' => '100.00', 'c_company' => 'ООО Ромашка',
            'c_address' => $address, 'c_email' => 'info@romashka.example.ru', 'tax_id' => '7701234567',
            'locale' => 'ru_RU', 'tz' => 'Europe/Moscow', 'cp_login' => 'romashka', 'cp_password' => 'SECRET-cp-0001',
            'cp_modules' => ['c_info', 'c_xdrs', 'c_invoices'], 'notes' => "Договор №17\nОплата до 5 числа",
        ]],
        ['webAdmin', '/clients/add', [
            'name' => 'Ελληνικά Δίκτυα Α.Ε.', 'type' => '0', 'status' => 'active', 'id_companies' => '4',
            'id_currencies' => '2', 'c_company' => '株式会社テレコム', 'notes' => 'VIP customer 🚀 – handle with care',
            'rates_notify_format' => 'xls', 'c_email' => 'noc@δίκτυα.example',
        ]],
        ['webAdmin', '/clients/edit', [
            'apply' => '1', 'id_clients' => '42', 'name' => 'Trailing Spaces Ltd   ', 'c_company' => 'Array',
            // Continuation lines that look like keys, but at column 0, not the key column 4.
            'notes' => "Tariff changes:\n[peak] => 0.05\n[offpeak] => 0.02\n",
            'c_address' => "Line 1\n\n    Suite 400\nLast line",
            'status' => 'suspended',
        ]],
        ['webAdmin', '/rates/import', [
            'id_rate_tables' => '7', 'file' => 'rates (EU) [v2].csv', 'comment' => 'Rates [EU] => (wholesale) update',
            'date_start' => '2024-03-12 00:00:00+02', 'notify' => '1',
        ]],
        ['jsonrpc', '/clients/fieldsUpdate', [
            'apply' => '1', 'id_clients' => '11',
            'fields' => [['id' => '3', 'value' => 'Gold'], ['id' => '4', 'value' => ''], ['id' => '7', 'value' => "multi\nline"]],
            'extra' => ['Contract No' => 'C-17', 'Дата договора' => '2024-01-15'],
            'auth' => ['login' => 'api_billing', 'password' => 'SECRET-auth-0002'],
        ]],
        ['jsonrpc', '/clients/edit', [
            'id_clients' => '11', 'contract no' => 'C-17/2024', 'примечание' => 'ключ на кириллице',
            'label[en]' => 'Key with brackets', 'cp_modules' => [], 'SID' => 'SECRET-sid-1-dsglnqr4qnsdihr8djj6da7qr4',
        ]],
        ['webAdmin', '/settings/edit', [
            'apply' => '1', 'section' => 'billing',
            'settings' => [
                'billing' => ['invoices' => ['prefix' => 'INV-', 'next_number' => '1043'], 'rounding' => '4'],
                'mail' => ['from' => 'billing@example.com', 'smtp' => ['host' => 'mail.example.com', 'port' => '587']],
            ],
        ]],
        ['jsonrpc', '/users/add', [
            'login' => 'api_reports', 'password' => 'SECRET-pw-0003', 'api_token' => 'SECRET-token-9f8e7d6c5b4a',
            'id_roles' => '5', 'status' => 'active', 'SID' => 'SECRET-sid-1-bmdgeu6bn22jlmkuffg391t513',
        ]],
        ['webAdmin', '/accounts/add', [
            'apply' => '1', 'id_clients' => '17', 'login' => '380441112233', 'password' => 'SECRET-pw-0004',
            'pin' => 'SECRET-pin-4821', 'ip' => '2001:db8:85a3::8a2e:370:7334', 'status' => 'active',
        ]],
        ['webClient', '/clients/list?page=2', ['page' => '2', 'status' => 'active']],
        ['webAdmin', '/packages/list', []],
        ['webAdmin', '/reports/summary/export', [
            'filter' => ['date_from' => '2024-03-01', 'date_to' => '2024-03-10', 'id_clients' => ['11', '17', '42']],
            'group_by' => ['id_clients', 'id_dst_codes'], 'format' => 'csv', 'options' => [],
        ]],
        ['webClient', '/invoices/download', ['id' => '1043', 'format' => 'pdf']],
    ];
}

/** SQL statements as the DB layer logs them, single- and multi-line. */
function sql_text(): string
{
    return pick([
        'SELECT * FROM clients WHERE id = ' . id(250),
        "SELECT c.id, c.name, c.credit\n  FROM clients c\n  JOIN companies co ON co.id = c.id_companies\n WHERE c.status = 'active'\n ORDER BY c.name",
        sprintf("INSERT INTO payments (id_clients, amount, dt) VALUES (%s, %s, '%s')", id(250), money(1, 900), datetime()),
        sprintf('UPDATE clients SET balance = balance - %s WHERE id = %s', money(0, 50), id(250)),
        'BEGIN',
        'COMMIT',
        "SELECT count(*)\n  FROM xdrs\n WHERE dt >= '" . day() . "'",
    ]);
}

/** A notice with the PHP stack trace the error handler appends. */
function notice_text(): string
{
    $field = pick(['id_dr_plans', 'c_email_tech', 'tz', 'groups']);
    return "Undefined index: $field in /opt/jerasoft/vcs/modules/clients/Controller.php on line " . mt_rand(100, 400) . "\n"
        . "#0 /opt/jerasoft/vcs/core/Controller.php(88): ClientsController->add(Array)\n"
        . "#1 /opt/jerasoft/vcs/core/Db.php(112): Db->query('SELECT * FROM clients WHERE id = ...')\n"
        . "#2 /opt/jerasoft/vcs/core/App.php(140): Controller->dispatch('add')\n"
        . '#3 {main}';
}

/** The values DEBUG entries dump: arrays, objects, scalars, a recursive structure. */
function debug_value(): array
{
    $choice = mt_rand(0, 6);
    switch ($choice) {
        case 0:
            return ['API response', ['code' => true, 'session_id' => 'dsglnqr4', 'messages' => [], 'return' => ['id' => mt_rand(1, 999)], 'errors' => []]];
        case 1:
            return ['rows', new Db_Result([['id' => 1, 'name' => 'Acme', 'credit' => 100.0], ['id' => 2, 'name' => 'Globex', 'credit' => -12.5]], mt_rand(1, 999) / 1000)];
        case 2:
            $root = new Menu_Node('Clients');
            $child = new Menu_Node('Add');
            $child->parent = $root;
            $root->children[] = $child;
            $root->parent = $root;
            return ['menu tree', $root];
        case 3:
            return ['balance', mt_rand(-5000, 5000) / 100];
        case 4:
            return ['tariff', ['rate' => 0.0125, 'min' => 60, 'free' => false, 'flag' => true, 'next' => null, 'big' => 1.0E+20, 'tiny' => 1.0E-6]];
        case 5:
            return ['session', new Session_User()];
        default:
            $a = ['level' => 1, 'items' => ['x', 'y']];
            $a['self'] = &$a;   // references make print_r stop with *RECURSION*
            return ['loop guard', $a];
    }
}

/** Zero to three noise entries inside the current request. */
function noise(RuntimeLog $log, string $component): void
{
    $n = pick([0, 0, 0, 0, 0, 0, 0, 1, 1, 2]);
    for ($i = 0; $i < $n; $i++) {
        $kind = pick(['SQL', 'SQL', 'SQL', 'DEBUG', 'DEBUG', 'NOTICE', 'INFO', 'WARNING']);
        if ($kind === 'SQL') {
            $log->entry($component, 'SQL', sql_text());
        } elseif ($kind === 'DEBUG') {
            [$message, $value] = debug_value();
            $log->debug($component, $message, $value);
        } elseif ($kind === 'NOTICE') {
            $log->entry($component, 'NOTICE', notice_text());
        } elseif ($kind === 'INFO') {
            $log->entry($component, 'INFO', pick(['Session started for admin', 'Cache warmed in 0.42s', 'Invoice #' . mt_rand(1000, 2000) . ' generated']));
        } else {
            // "REQUEST:" inside a WARNING's text must not start a request entry.
            $log->entry($component, 'WARNING', pick([
                'Slow REQUEST: /xdrs/download took ' . mt_rand(5, 30) . '.31s',
                'Rate table ' . id(40) . ' has overlapping codes',
                'SMTP timeout, invoice mail queued',
            ]));
        }
    }
}

/** A cron run between web requests: several SQL entries and an error with a trace. */
function cron_run(RuntimeLog $log): void
{
    $log->next();
    $component = pick(['cron', 'cron', 'daemon']);
    $log->entry($component, 'INFO', 'Starting job ' . pick(['invoices:auto', 'rates:notify', 'xdrs:rotate']));
    $log->entry($component, 'SQL', sql_text());
    if (chance(40)) {
        $log->entry($component, 'ERROR', "Uncaught exception 'DbException' with message 'deadlock detected'\n"
            . "#0 /opt/jerasoft/vcs/core/Db.php(112): Db->query('UPDATE clients SET balance = ...')\n#1 {main}");
    }
}

/** Writes the whole log: shuffled random calls, the special cases spread among them, noise, cron. */
function write_log($fh): RuntimeLog
{
    mt_srand(SEED);
    $log = new RuntimeLog($fh);
    $api = new ApiSession();
    $methods = method_table();
    $calls = schedule($methods);
    $special = special_requests();
    $every = intdiv(count($calls), count($special));
    $strays = [
        40 => 'PHP Warning:  file_put_contents(/opt/jerasoft/vcs-data/tmp/rates.lock): failed to open stream: Permission denied in /opt/jerasoft/vcs/cron/rates.php on line 57',
        150 => 'PHP Notice:  Undefined variable: argv in /opt/jerasoft/vcs/cron/run.php on line 12',
        260 => 'sh: 1: /usr/bin/wkhtmltopdf: not found',
    ];
    foreach ($calls as $i => $method) {
        $log->next();
        noise($log, random_request($log, $api, $method, $methods[$method]));
        if ($i % $every === $every - 1 && $special) {
            [$component, $path, $args] = array_shift($special);
            $log->next(120);
            $log->request($component, $path, $args);
            noise($log, $component);
        }
        if (isset($strays[$i])) {
            $log->stray($strays[$i]);
        }
        if (chance(6)) {
            cron_run($log);
        }
    }
    // Ends on a complete REQUEST entry, as the contract asks.
    $log->next();
    $log->request('webAdmin', '/clients/editForm', ['id_clients' => '8']);
    return $log;
}

$out = $argv[1] ?? 'php://stdout';
$fh = fopen($out, 'wb');
if ($fh === false) {
    fwrite(STDERR, "cannot open $out for writing\n");
    exit(1);
}
$log = write_log($fh);
fclose($fh);
fwrite(STDERR, sprintf("wrote %d entries (%d requests) to %s\n", $log->entries, $log->requests, $out));
