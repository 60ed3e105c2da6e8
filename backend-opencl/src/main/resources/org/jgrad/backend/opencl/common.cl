// Shared by every jgrad program. The host prepends the dtype macros (T, W, TO_T, ...; see Programs.java).
//
// Geo describes up to four operands of one shape after the host merged mergeable dimensions: element i (row-major)
// of operand k lives at off[k] + sum_d coord_d(i) * str[k][d]. Kernels receive it by value; it holds ints only, so
// the host and every device agree on its layout without padding rules.
#define MAX_RANK 8
typedef struct {
    int rank;
    int n;
    int shape[MAX_RANK];
    int off[4];
    int str[4][MAX_RANK];
} Geo;

/** The storage positions of element i for all four operands. */
inline void positions(const Geo* g, int i, int* p) {
    p[0] = g->off[0]; p[1] = g->off[1]; p[2] = g->off[2]; p[3] = g->off[3];
    for (int d = g->rank - 1; d >= 0; d--) {
        int s = g->shape[d], q = i / s, c = i - q * s;
        p[0] += c * g->str[0][d]; p[1] += c * g->str[1][d]; p[2] += c * g->str[2][d]; p[3] += c * g->str[3][d];
        i = q;
    }
}

// The prologue of a kernel with one work item per element: the host rounds the global size up to a whole number of
// fixed-size work groups (PoCL compiles a kernel once per work-group size, so the size never varies), and the
// work items past the end return.
#define ELEMENT(g) \
    int i = get_global_id(0); \
    if (i >= (g).n) return; \
    int p[4]; \
    positions(&(g), i, p)
