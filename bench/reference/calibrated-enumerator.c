/*
 * The C anchor of bench/sim.bench.ts: our own port, to C, of specbound's i.i.d. simulator on a
 * table law (the calibrated law is one) -- the same algorithm as
 *   src/sim/best-first-enumerator.ts  (best-first enumeration, binary max-heap of "child `rank`
 *                                      of node `parent`" in three parallel arrays, replace-top)
 *   src/sim/table-law.ts              (a node draws its child distribution from a table)
 *   src/sim/simulate-chunk.ts         (tree t uses the stream createRng(seed, t); shifted sums)
 *   src/core/rng.ts + pure-rand 8.4.2 (deriveSeed/mix32, xoroshiro128plus, uniformFloat64)
 * written so that, for the same seed, it computes bit-identically the same numbers as the
 * TypeScript (test/sim/c-anchor.test.ts checks it). Not derived from any third-party C code.
 *
 * Build: cc -O3 -march=native -ffp-contract=off calibrated-enumerator.c -o calibrated-enumerator
 * (-ffp-contract=off: JavaScript never fuses a*b + c into one rounding; GCC's default does).
 *
 * Usage: calibrated-enumerator bench SEED P TREES   < table
 *        calibrated-enumerator check SEED P TREES   < table
 * The table is the law's ChildTable as text (bench/reference/c-anchor.ts writes it):
 *   count hasWeights
 *   cumulativeWeights[count]                       (only when hasWeights = 1)
 *   count lines: offset length tailCount tailProb
 *   totalProbs probs[totalProbs]
 * bench: runs TREES trees of P nodes in chunks of 64 (as simulateIid does) and prints
 *   {"trees":…,"nodes":…,"cpuSeconds":…,"nodesPerSecond":…,"checksum":…}
 *   (CPU time of this process over the simulation only, not start-up or table parsing).
 * check: runs one chunk of TREES trees from tree 0 and prints {"mean":[…],"sumSquares":[…]}
 *   with 17 significant digits (exact doubles).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- src/core/rng.ts: stream seeds, xoroshiro128+ (pure-rand 8.4.2), uniformFloat64 ---- */

static uint32_t mix32(uint32_t x) {
  uint32_t z = x + 0x9e3779b9u;
  z = (z ^ (z >> 16)) * 0x85ebca6bu;
  z = (z ^ (z >> 13)) * 0xc2b2ae35u;
  return z ^ (z >> 16);
}

/* deriveSeed(seed, key) for 0 <= key < 2^32 (Math.floor(key / 2^32) = 0). */
static uint32_t derive_seed(uint32_t seed, uint32_t key) {
  uint32_t h = mix32(seed);
  return mix32((h ^ (h >> 15)) * 0x2c1b3c6du + mix32(key));
}

/*
 * pure-rand's xoroshiro128plus keeps the two 64-bit words as 32-bit halves (s01:s00, s11:s10),
 * seeds them as (-1, ~seed, seed, 0) and returns the LOW 32 bits of s0 + s1 per next().
 */
typedef struct {
  uint64_t s0, s1;
} rng_t;

static void rng_init(rng_t *r, uint32_t seed, uint32_t key) {
  uint32_t s = derive_seed(seed, key);
  r->s0 = ((uint64_t)0xffffffffu << 32) | (uint32_t)~s;
  r->s1 = (uint64_t)s << 32;
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint32_t rng_next32(rng_t *r) {
  uint64_t s0 = r->s0, s1 = r->s1;
  uint32_t out = (uint32_t)(s0 + s1);
  s1 ^= s0;
  r->s0 = rotl(s0, 24) ^ s1 ^ (s1 << 16);
  r->s1 = rotl(s1, 37);
  return out;
}

/* uniformFloat64: 26 + 27 bits, multiples of 2^-53 in [0, 1) (both products exact). */
static inline double rng_uniform(rng_t *r) {
  uint32_t a = rng_next32(r) & 0x3ffffffu;
  uint32_t b = rng_next32(r) & 0x7ffffffu;
  return (double)a * 1.4901161193847656e-8 + (double)b * 1.1102230246251565e-16;
}

/* ---- src/sim/table-law.ts: the table and its draw ---- */

typedef struct {
  int count;
  int has_weights;
  double *cumulative;
  double *probs;
  int32_t *offsets;
  int32_t *lengths;
  double *tail_counts;
  double *tail_probs;
} table_t;

static inline int table_draw(const table_t *t, rng_t *r) {
  int count = t->count;
  if (count == 1) return 0;
  if (!t->has_weights) return (int)(rng_uniform(r) * count); /* Math.floor of a non-negative */
  double u = rng_uniform(r);
  if (count <= 8) {
    int d = 0;
    while (d < count - 1 && u >= t->cumulative[d]) d++;
    return d;
  }
  int lo = 0, hi = count - 1;
  while (lo < hi) {
    int mid = (int)(((unsigned)lo + (unsigned)hi) >> 1);
    if (u < t->cumulative[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/* ---- src/sim/best-first-enumerator.ts ---- */

typedef struct {
  int max_nodes;
  double *node_priority, *node_value;
  int32_t *node_distribution, *node_depth;
  double *heap_priority;
  int32_t *heap_parent, *heap_rank;
  int heap_size;
} enumerator_t;

static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (p == NULL) {
    fprintf(stderr, "calibrated-enumerator: out of memory\n");
    exit(1);
  }
  return p;
}

static void enumerator_init(enumerator_t *e, int max_nodes) {
  e->max_nodes = max_nodes;
  e->node_priority = xcalloc((size_t)max_nodes, sizeof(double));
  e->node_value = xcalloc((size_t)max_nodes, sizeof(double));
  e->node_distribution = xcalloc((size_t)max_nodes, sizeof(int32_t));
  e->node_depth = xcalloc((size_t)max_nodes, sizeof(int32_t));
  e->heap_priority = xcalloc((size_t)max_nodes + 2, sizeof(double));
  e->heap_parent = xcalloc((size_t)max_nodes + 2, sizeof(int32_t));
  e->heap_rank = xcalloc((size_t)max_nodes + 2, sizeof(int32_t));
  e->heap_size = 0;
}

static inline double child_priority(const enumerator_t *e, const table_t *t, int parent, int rank) {
  int d = e->node_distribution[parent];
  double q = rank < t->lengths[d] ? t->probs[t->offsets[d] + rank] : t->tail_probs[d];
  return e->node_priority[parent] * q;
}

static inline void heap_push(enumerator_t *e, double priority, int parent, int rank) {
  double *hp = e->heap_priority;
  int32_t *hpa = e->heap_parent, *hr = e->heap_rank;
  int at = e->heap_size++;
  while (at > 0) {
    int up = (at - 1) >> 1;
    if (hp[up] >= priority) break;
    hp[at] = hp[up];
    hpa[at] = hpa[up];
    hr[at] = hr[up];
    at = up;
  }
  hp[at] = priority;
  hpa[at] = parent;
  hr[at] = rank;
}

static inline void heap_replace_top(enumerator_t *e, double priority, int parent, int rank) {
  double *hp = e->heap_priority;
  int32_t *hpa = e->heap_parent, *hr = e->heap_rank;
  int size = e->heap_size;
  int at = 0;
  for (;;) {
    int child = 2 * at + 1;
    if (child >= size) break;
    int right = child + 1;
    if (right < size && hp[right] > hp[child]) child = right;
    if (hp[child] <= priority) break;
    hp[at] = hp[child];
    hpa[at] = hpa[child];
    hr[at] = hr[child];
    at = child;
  }
  hp[at] = priority;
  hpa[at] = parent;
  hr[at] = rank;
}

static inline void heap_pop_top(enumerator_t *e) {
  int size = --e->heap_size;
  if (size > 0) heap_replace_top(e, e->heap_priority[size], e->heap_parent[size], e->heap_rank[size]);
}

/* One tree of `nodes` nodes; cumulative[i] = sum of the first i + 1 node values. */
static void enumerator_run(enumerator_t *e, const table_t *t, rng_t *r, double *cumulative, int nodes) {
  double *node_priority = e->node_priority, *node_value = e->node_value;
  int32_t *node_distribution = e->node_distribution, *node_depth = e->node_depth;
  e->heap_size = 0;
  node_priority[0] = 1;
  node_value[0] = 1;
  node_depth[0] = 0;
  cumulative[0] = 1;
  if (nodes == 1) return;
  node_distribution[0] = table_draw(t, r);
  heap_push(e, child_priority(e, t, 0, 0), 0, 0);
  double sum = 1;
  for (int i = 1; i < nodes; i++) {
    double priority = e->heap_priority[0];
    int parent = e->heap_parent[0];
    int rank = e->heap_rank[0];
    int d = node_distribution[parent];
    int length = t->lengths[d];
    /* A table law's values are its probabilities (verifier-only law: rankProbs = valueProbs). */
    double child_value = rank < length ? t->probs[t->offsets[d] + rank] : t->tail_probs[d];
    double value = node_value[parent] * child_value;
    node_priority[i] = priority;
    node_value[i] = value;
    node_depth[i] = node_depth[parent] + 1;
    sum += value;
    cumulative[i] = sum;
    int has_sibling = (double)(rank + 1) < (double)length + t->tail_counts[d];
    double sibling_priority = has_sibling ? child_priority(e, t, parent, rank + 1) : 0;
    if (i + 1 < nodes) {
      node_distribution[i] = table_draw(t, r);
      double first_child_priority = child_priority(e, t, i, 0);
      if (!has_sibling) {
        heap_replace_top(e, first_child_priority, i, 0);
      } else if (first_child_priority >= sibling_priority) {
        heap_replace_top(e, first_child_priority, i, 0);
        heap_push(e, sibling_priority, parent, rank + 1);
      } else {
        heap_replace_top(e, sibling_priority, parent, rank + 1);
        heap_push(e, first_child_priority, i, 0);
      }
    } else if (has_sibling) {
      heap_replace_top(e, sibling_priority, parent, rank + 1);
    } else {
      heap_pop_top(e);
    }
  }
}

/* ---- src/sim/simulate-chunk.ts: one chunk of consecutive trees, shifted sums ---- */

static void simulate_chunk(enumerator_t *e, const table_t *t, uint32_t seed, int first_tree, int trees, int length,
                           double *curve, double *mean, double *sum, double *sum_squares) {
  double *shift = mean;
  memset(sum, 0, sizeof(double) * (size_t)length);
  memset(sum_squares, 0, sizeof(double) * (size_t)length);
  for (int tr = first_tree; tr < first_tree + trees; tr++) {
    rng_t r;
    rng_init(&r, seed, (uint32_t)tr);
    enumerator_run(e, t, &r, curve, length);
    if (tr == first_tree) {
      memcpy(shift, curve, sizeof(double) * (size_t)length);
      continue;
    }
    for (int i = 0; i < length; i++) {
      double dd = curve[i] - shift[i];
      sum[i] += dd;
      sum_squares[i] += dd * dd;
    }
  }
  for (int i = 0; i < length; i++) {
    double s = sum[i];
    mean[i] += s / trees;
    double v = sum_squares[i] - (s * s) / trees;
    sum_squares[i] = v > 0 ? v : 0; /* Math.max(0, v) */
  }
}

/* ---- input, timing, output ---- */

static void fail(const char *what) {
  fprintf(stderr, "calibrated-enumerator: bad input: %s\n", what);
  exit(2);
}

static double read_double(void) {
  double x;
  if (scanf("%lf", &x) != 1) fail("expected a number in the table on stdin");
  return x;
}

static int read_int(void) {
  double x = read_double();
  if (x != (double)(int)x) fail("expected a whole number in the table on stdin");
  return (int)x;
}

static void read_table(table_t *t) {
  t->count = read_int();
  t->has_weights = read_int();
  if (t->count < 1) fail("count must be >= 1");
  t->cumulative = xcalloc((size_t)t->count, sizeof(double));
  if (t->has_weights)
    for (int d = 0; d < t->count; d++) t->cumulative[d] = read_double();
  t->offsets = xcalloc((size_t)t->count, sizeof(int32_t));
  t->lengths = xcalloc((size_t)t->count, sizeof(int32_t));
  t->tail_counts = xcalloc((size_t)t->count, sizeof(double));
  t->tail_probs = xcalloc((size_t)t->count, sizeof(double));
  for (int d = 0; d < t->count; d++) {
    t->offsets[d] = read_int();
    t->lengths[d] = read_int();
    t->tail_counts[d] = read_double();
    t->tail_probs[d] = read_double();
  }
  int total = read_int();
  t->probs = xcalloc((size_t)total, sizeof(double));
  for (int k = 0; k < total; k++) t->probs[k] = read_double();
  for (int d = 0; d < t->count; d++)
    if (t->offsets[d] < 0 || t->lengths[d] < 0 || t->offsets[d] + t->lengths[d] > total) fail("entry outside probs");
}

static double cpu_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void print_array(const char *name, const double *x, int n) {
  printf("\"%s\":[", name);
  for (int i = 0; i < n; i++) printf(i ? ",%.17g" : "%.17g", x[i]);
  printf("]");
}

int main(int argc, char **argv) {
  if (argc != 5 || (strcmp(argv[1], "bench") != 0 && strcmp(argv[1], "check") != 0)) {
    fprintf(stderr, "usage: calibrated-enumerator bench|check SEED P TREES < table\n");
    return 2;
  }
  int check = strcmp(argv[1], "check") == 0;
  long long seed = strtoll(argv[2], NULL, 10);
  int P = atoi(argv[3]);
  int trees = atoi(argv[4]);
  if (P < 1 || trees < 1) fail("P and TREES must be >= 1");
  table_t table;
  read_table(&table);
  enumerator_t e;
  enumerator_init(&e, P);
  double *curve = xcalloc((size_t)P, sizeof(double));
  double *mean = xcalloc((size_t)P, sizeof(double));
  double *sum = xcalloc((size_t)P, sizeof(double));
  double *sum_squares = xcalloc((size_t)P, sizeof(double));
  uint32_t s = (uint32_t)seed; /* seed >>> 0 */
  if (check) {
    simulate_chunk(&e, &table, s, 0, trees, P, curve, mean, sum, sum_squares);
    printf("{");
    print_array("mean", mean, P);
    printf(",");
    print_array("sumSquares", sum_squares, P);
    printf("}\n");
    return 0;
  }
  double checksum = 0;
  double start = cpu_seconds();
  for (int first = 0; first < trees; first += 64) {
    int n = trees - first < 64 ? trees - first : 64;
    simulate_chunk(&e, &table, s, first, n, P, curve, mean, sum, sum_squares);
    checksum += mean[P - 1];
  }
  double seconds = cpu_seconds() - start;
  double nodes = (double)trees * P;
  printf("{\"trees\":%d,\"nodes\":%.0f,\"cpuSeconds\":%.9g,\"nodesPerSecond\":%.9g,\"checksum\":%.17g}\n", trees, nodes, seconds,
         nodes / seconds, checksum);
  return 0;
}
