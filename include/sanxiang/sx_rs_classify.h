/*
 * sx_rs_classify.h — supervised land-cover classification by random forest
 * (Breiman 2001): CART trees grown on bootstrap samples with a random subset
 * of the features tried at each split, Gini impurity, majority vote.
 *
 * A forest is a pure function of the training set and (seed, number of
 * trees, mtry, min_node, max_depth): tree t draws its bootstrap and feature
 * subsets from its own random stream seeded by (seed, t), so the forest, the
 * map and the probabilities are bit for bit the same at any rank or thread
 * count. Class values are whole numbers 0 .. 254; maps are UInt8 with 255 as
 * nodata.
 */
#ifndef SX_RS_CLASSIFY_H
#define SX_RS_CLASSIFY_H

#include <mpi.h>
#include <stdint.h>
#include "sx_err.h"
#include "sx_rs.h"

/** One node of a tree: an internal node sends x[feature] <= threshold to
 *  left, others to right; a leaf (feature -1) votes for class index cls. */
typedef struct {
    int32_t feature;
    int32_t left, right;
    int32_t cls;
    double threshold;
} sx_rs_node_t;

/** A forest. Owned by whoever created it; free with sx_rs_forest_destroy. */
typedef struct {
    int nfeat;            /* features per sample */
    char (*feat)[64];     /* their names (the band roles of the command line) */
    int ncls;             /* classes */
    int cls[255];         /* class value of class index i, increasing */
    int ntrees;
    int64_t *first;       /* ntrees + 1 offsets into nodes: tree t is nodes[first[t] .. first[t+1]) */
    sx_rs_node_t *nodes;
    uint64_t seed;
    int mtry, min_node, max_depth;
} sx_rs_forest_t;

/** Training parameters. */
typedef struct {
    int ntrees;           /* >= 1 */
    int mtry;             /* features tried per split (0: floor(sqrt(nfeat)), at least 1) */
    int min_node;         /* a node with fewer samples is a leaf (1: grow until pure) */
    int max_depth;        /* 0: unlimited */
    int bootstrap;        /* 1: each tree on n draws with replacement (Breiman); 0: on every sample */
    uint64_t seed;
} sx_rs_forest_params_t;

/**
 * Grow a forest on n samples: x (n x nfeat, row-major, finite) and y (class
 * index 0 .. ncls-1 of each). The trees are dealt to the ranks of comm
 * (tree t on rank t mod size, OpenMP threads over a rank's trees) and
 * gathered, so every rank returns the same forest. feat/cls/ncls are copied
 * into the forest. Collective over comm; *out owned by the caller.
 */
sx_err sx_rs_forest_train(MPI_Comm comm, const double *x, const int *y, int64_t n, int nfeat, const char (*feat)[64],
                          const int *cls, int ncls, const sx_rs_forest_params_t *p, sx_rs_forest_t **out);

/** Votes of every class for sample x (nfeat values) into votes[0..ncls);
 *  returns the winning class index (most votes, the lowest index on a tie).
 *  Not collective; thread-safe. */
int sx_rs_forest_predict(const sx_rs_forest_t *f, const double *x, int *votes);
/** Votes for n samples x (n x nfeat, finite) into votes (n x ncls), the
 *  trees outermost (faster for many samples). Not collective; thread-safe. */
void sx_rs_forest_vote(const sx_rs_forest_t *f, const double *x, int64_t n, int *votes);
/** The class index with most of votes[0..ncls) (the lowest on a tie). */
int sx_rs_forest_winner(const sx_rs_forest_t *f, const int *votes);

/** Write the forest as the text format of docs/remote-sensing.md (one
 *  header, then one line per node; thresholds with 17 significant digits,
 *  so reading gives the same forest). Not collective: call on one rank. */
sx_err sx_rs_forest_save(const sx_rs_forest_t *f, const char *path);

/** Read a forest written by sx_rs_forest_save, checking every node; errors
 *  name the file and line. Not collective; *out owned by the caller. */
sx_err sx_rs_forest_load(const char *path, sx_rs_forest_t **out);

/** Free a forest; accepts NULL and sets *f = NULL. */
void sx_rs_forest_destroy(sx_rs_forest_t **f);

typedef struct {
    const sx_rs_band_t *bands; /* the features, on one grid; bands[i].name is feature i's name */
    int nbands;                /* 1 .. 64 */
    const char *samples;       /* points or polygons (GeoPackage, ...) with the class field; NULL: predict only */
    const char *layer;         /* or NULL: the first */
    const char *field;         /* the samples' class attribute */
    const int *classes;        /* classes that must have samples (or NULL) */
    int nclasses;
    const char *model_in;      /* a saved forest to predict with instead of training, or NULL */
    const char *model_out;     /* where to save the trained forest, or NULL */
    sx_rs_forest_params_t params;
    double test_fraction;      /* share of each class's samples held back from training, 0 .. 0.9 */
    int min_samples;           /* training samples each class needs */
    int probabilities;         /* 1: also one Float32 layer of vote shares per class */
    const char *out_stem;      /* the map <stem>.tif/.nc; <stem>_prob_<class>, <stem>_test.csv, _test_matrix.csv */
    int formats;               /* SX_LAYER_COG | SX_LAYER_NC */
    const char *provenance;
    double *overall;           /* out (or NULL): test overall accuracy (NaN when nothing is held back) */
    int *classes_out;          /* out (or NULL): the forest's class values (255 entries) ... */
    int *nclasses_out;         /* ... and their number */
} sx_rs_classify_opts_t;

/**
 * Train a forest from the samples (or load model_in) and classify every
 * cell whose features are all valid. Points take the cell they fall in,
 * polygons every cell whose centre lies inside; samples with a missing
 * feature are skipped (counted in the log). The held-back samples (per
 * class, chosen by a hash of seed and sample number) give <stem>_test.csv
 * (overall accuracy, per-class user's and producer's accuracy) and
 * <stem>_test_matrix.csv. Collective over comm.
 */
sx_err sx_rs_classify_run(MPI_Comm comm, const sx_rs_classify_opts_t *o);

#endif
