/*
 * Host tests of lib/pyrandom against CPython: the tables below were printed
 * by python3 (3.11) running tools/pyrandom-golden, once; `tools/pyrandom-
 * golden --check` compares them with the python3 at hand, `--write`
 * rewrites them.  Also: random() as a double, and int(random() * n) in
 * integers against the same product in doubles, at the rounding edges and
 * over a million random cases.
 */
#include <stdint.h>

#include "kernel/ktest.h"
#include "lib/pyrandom.h"

struct golden_seed {
	int64_t seed;
	uint64_t r53[10];
	int64_t randint[10];
};
struct golden_range {
	int64_t start, stop, step, value;
};
struct golden_times {
	uint32_t n, value;
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* BEGIN GOLDEN (tools/pyrandom-golden --write) */ /* clang-format off */
/* random.seed(s); [random() * 2**53 for _ in range(10)];
 * random.seed(s); [random.randint(1, 100) for _ in range(10)] */
static const struct golden_seed golden_seeds[] = {
    {0ll,
     {7605875871743422ull, 6827046333291546ull, 3788172029424828ull, 2332114760278739ull, 4605153289279239ull, 3647322461062558ull, 7059830067021045ull, 2731998160291574ull, 4292803730252926ull, 5254638271008637ull},
     {50, 98, 54, 6, 34, 66, 63, 52, 39, 62}},
    {1ll,
     {1210245519433057ull, 7633004523783416ull, 6879470178836243ull, 2297457538547630ull, 4462482547227069ull, 4048655583777857ull, 5869027738302938ull, 7104188380544612ull, 845412000043186ull, 255331369402803ull},
     {18, 73, 98, 9, 33, 16, 64, 98, 58, 61}},
    {2ll,
     {8611191181267694ull, 8537271035063999ull, 509369437243495ull, 764458971543820ull, 7525504872424513ull, 6629028337049739ull, 6032395172729743ull, 2775446471155469ull, 5457859837513699ull, 5465584123025297ull},
     {8, 12, 11, 47, 22, 95, 86, 40, 33, 78}},
    {3ll,
     {2143394811796802ull, 4901981072493965ull, 3332259900419439ull, 5439628121566794ull, 5635987456838371ull, 590231492108872ull, 118606723719498ull, 7543250892127857ull, 2336053284569315ull, 2110665657702544ull},
     {31, 76, 70, 17, 48, 78, 61, 81, 75, 9}},
    {4ll,
     {2126132177966055ull, 929237026637487ull, 3567375507676953ull, 1395866122076989ull, 599114720234228ull, 3617210286380645ull, 8268203979985437ull, 7209833823848721ull, 6891972023042663ull, 1998951298683857ull},
     {31, 39, 14, 93, 51, 62, 20, 12, 9, 3}},
    {5ll,
     {5610599681987424ull, 6681423216845806ull, 7162466891138175ull, 8488837493667084ull, 6664413890981426ull, 8307565022593732ull, 261255870579767ull, 4193956025504993ull, 8497001918302120ull, 5845443111360772ull},
     {80, 33, 95, 46, 89, 95, 84, 68, 4, 60}},
    {10ll,
     {5146737025048058ull, 3863089173636261ull, 5206983536750652ull, 1856367842930356ull, 7325746569090664ull, 7418229078896224ull, 5885957320348378ull, 1443219542063792ull, 4689772668115198ull, 2952315024566877ull},
     {74, 5, 55, 62, 74, 2, 27, 60, 63, 36}},
    {42ll,
     {5759444582531269ull, 225276855802115ull, 2477243871446254ull, 2010503594304263ull, 6633542971356286ull, 6095167118799258ull, 8036039137326224ull, 783075388467729ull, 3800333899828131ull, 268389492715941ull},
     {82, 15, 4, 95, 36, 32, 29, 18, 95, 14}},
    {1099511627776ll,
     {933501233378124ull, 6039830312205743ull, 3842961115824010ull, 3492368327686423ull, 5642886380905915ull, 701548596108694ull, 6095568003808127ull, 6198259071770722ull, 2879718554720294ull, 6773058046305997ull},
     {14, 46, 86, 9, 55, 7, 50, 52, 81, 72}},
    {-7ll,
     {2916826238065975ull, 1358728566951068ull, 5863096500449791ull, 652448067288096ull, 4826795989820320ull, 3293832939882081ull, 522407872006518ull, 4570574757812695ull, 337730866774669ull, 3905933078705490ull},
     {42, 20, 51, 84, 7, 10, 69, 13, 47, 75}},
    {9223372036854775807ll,
     {2852083545951827ull, 5685878370852509ull, 7237773223704647ull, 4084439012334914ull, 4294567714620741ull, 6439784095568751ull, 6709958189703688ull, 2482076576778523ull, 6372359316490068ull, 5564883279082243ull},
     {41, 85, 81, 17, 63, 59, 14, 62, 100, 92}},
};
/* random.seed(0); getrandbits(k) for k in order */
static const unsigned golden_bits_k[] = {1, 7, 31, 32, 33, 48, 64, 0, 5};
static const uint64_t golden_bits[] = {1ull, 49ull, 1627694678ull, 3823568514ull, 1806341205ull, 271752282791482ull, 8963783824838420066ull, 0ull, 12ull};
/* random.seed(12345); randrange(start, stop, step) in order */
static const struct golden_range golden_ranges[] = {
    {0ll, 1000000000000ll, 1ll, 804948253063ll},
    {10ll, -10ll, -3ll, 10ll},
    {5ll, 1000ll, 7ll, 537ll},
    {-1099511627776ll, 1099511627776ll, 1ll, 523363834042ll},
    {0ll, 1ll, 1ll, 0ll},
    {0ll, 4294967296ll, 1ll, 1873586768ll},
    {-5ll, -100ll, -1ll, -52ll},
    {0ll, 4611686018427387904ll, 2305843009213693951ll, 0ll},
};
/* random.seed(7); int(random.random() * n) for n in order */
static const struct golden_times golden_times[] = {
    {1000001u, 323833u},
    {3u, 0u},
    {100u, 65u},
    {4294967295u, 311111482u},
    {1u, 0u},
    {7u, 2u},
    {2147483649u, 124551742u},
    {65536u, 33255u},
};
/* random.seed(99); x = list(range(20)); random.shuffle(x) */
static const uint32_t golden_shuffle[20] = {9, 0, 13, 16, 15, 14, 10, 11, 8, 17, 4, 1, 18, 2, 3, 7, 5, 6, 19, 12};
/* random.seed(2**64 + 5) and random.seed(2**100): the first
 * random() * 2**53 (keys of three and four words) */
static const uint64_t golden_bigseed[2] = {4598881176229409ull, 6833385315133622ull};
/* END GOLDEN */ /* clang-format on */

static struct pyrandom g;

KTEST(pyrandom_host, random_matches_python_for_many_seeds)
{
	for (size_t s = 0; s < NELEM(golden_seeds); s++) {
		const struct golden_seed *e = &golden_seeds[s];

		pyrandom_seed(&g, e->seed);
		for (int i = 0; i < 10; i++)
			KEXPECT_EQ(pyrandom_random53(&g), e->r53[i]);
		pyrandom_seed(&g, e->seed);
		for (int i = 0; i < 10; i++) {
			int64_t v = 0;

			KEXPECT_EQ(pyrandom_randint(&g, 1, 100, &v),
				   PYRANDOM_OK);
			KEXPECT_EQ(v, e->randint[i]);
		}
	}
}

KTEST(pyrandom_host, random_as_double_is_exact)
{
	for (size_t s = 0; s < NELEM(golden_seeds); s++) {
		pyrandom_seed(&g, golden_seeds[s].seed);
		for (int i = 0; i < 10; i++) {
			double x = pyrandom_random(&g);

			/* Python's int(x * 2**53) gave r53: the double is
			 * exactly r53 / 2^53 */
			KEXPECT_TRUE(x >= 0.0 && x < 1.0);
			KEXPECT_EQ((uint64_t)(x * 9007199254740992.0),
				   golden_seeds[s].r53[i]);
		}
	}
}

KTEST(pyrandom_host, getrandbits_matches_python)
{
	pyrandom_seed(&g, 0);
	for (size_t i = 0; i < NELEM(golden_bits_k); i++)
		KEXPECT_EQ(pyrandom_getrandbits(&g, golden_bits_k[i]),
			   golden_bits[i]);
}

KTEST(pyrandom_host, randrange_matches_python)
{
	pyrandom_seed(&g, 12345);
	for (size_t i = 0; i < NELEM(golden_ranges); i++) {
		const struct golden_range *e = &golden_ranges[i];
		int64_t v = 0;

		KEXPECT_EQ(
		    pyrandom_randrange(&g, e->start, e->stop, e->step, &v),
		    PYRANDOM_OK);
		KEXPECT_EQ(v, e->value);
	}
}

KTEST(pyrandom_host, int_times_matches_python)
{
	pyrandom_seed(&g, 7);
	for (size_t i = 0; i < NELEM(golden_times); i++)
		KEXPECT_EQ(pyrandom_int_times(&g, golden_times[i].n),
			   golden_times[i].value);
}

KTEST(pyrandom_host, shuffle_matches_python)
{
	uint32_t x[20];

	for (uint32_t i = 0; i < 20; i++)
		x[i] = i;
	pyrandom_seed(&g, 99);
	pyrandom_shuffle_u32(&g, x, 20);
	for (int i = 0; i < 20; i++)
		KEXPECT_EQ(x[i], golden_shuffle[i]);
}

KTEST(pyrandom_host, big_seeds_use_every_word)
{
	/* 2**64 + 5 is the key [5, 0, 1]; 2**100 is [0, 0, 0, 16]. */
	static const uint32_t k3[] = {5, 0, 1}, k4[] = {0, 0, 0, 16, 0, 0};

	pyrandom_seed_key(&g, k3, 3);
	KEXPECT_EQ(pyrandom_random53(&g), golden_bigseed[0]);
	pyrandom_seed_key(&g, k4, 6); /* zero words on top are dropped */
	KEXPECT_EQ(pyrandom_random53(&g), golden_bigseed[1]);
}

/* The double product, rounded by the host's FPU (SSE2: no excess
 * precision), floored. */
static uint32_t by_double(uint64_t m, uint32_t n)
{
	volatile double x = (double)m / 9007199254740992.0;
	volatile double p = x * (double)n;

	return (uint32_t)p;
}

KTEST(pyrandom_host, scale53_rounds_like_a_double)
{
	static const uint64_t top = (1ull << 53) - 1;
	static const uint32_t ns[] = {1,	   2,		3,
				      7,	   1000001,	0x7fffffffu,
				      0x80000001u, 0xffffffffu, 0xfffffffeu};
	for (size_t i = 0; i < NELEM(ns); i++) {
		for (uint64_t d = 0; d < 64; d++) {
			uint64_t m = top - d;

			KEXPECT_EQ(pyrandom_scale53(m, ns[i]),
				   by_double(m, ns[i]));
			KEXPECT_EQ(pyrandom_scale53(d, ns[i]),
				   by_double(d, ns[i]));
			/* just below k / n for k = 1 */
			if (ns[i] > 1) {
				uint64_t e = (1ull << 53) / ns[i] - 32 + d;

				KEXPECT_EQ(pyrandom_scale53(e, ns[i]),
					   by_double(e, ns[i]));
			}
		}
	}
	/* Python: m = 6004799503160661 (just below 2/3 * 2^53) gives
	 * int(m / 2**53 * 3) == 2, where the exact product is below 2: the
	 * double product rounds up across the integer.  The same for the
	 * others (found with python3's Fraction arithmetic). */
	KEXPECT_EQ(pyrandom_scale53(6004799503160661ull, 3), 2);
	KEXPECT_EQ(pyrandom_scale53(5404319552844595ull, 5), 3);
	KEXPECT_EQ(pyrandom_scale53(6656313592940ull, 1000001), 739);
	KEXPECT_EQ(pyrandom_scale53(2147483647ull, 2147483649u), 512);
	KEXPECT_EQ(pyrandom_scale53(6004799503160660ull, 3), 1);
}

KTEST(pyrandom_host, scale53_random_cases)
{
	struct pyrandom r;

	pyrandom_seed(&r, 2024);
	for (int i = 0; i < 1000000; i++) {
		uint64_t m = pyrandom_random53(&r);
		uint32_t n = pyrandom_u32(&r) >> (pyrandom_u32(&r) & 31);

		if (pyrandom_scale53(m, n) != by_double(m, n)) {
			KEXPECT_EQ(pyrandom_scale53(m, n), by_double(m, n));
			break;
		}
	}
}
