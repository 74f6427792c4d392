# Sourced by the scripts: lets mpirun run as root (containers, CI) and with
# more ranks than cores (2-core machines run the 3- and 4-rank tests).
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
export OMPI_MCA_rmaps_base_oversubscribe=1
# Open MPI's shared-memory transport warns inside some containers; keep logs clean.
export OMPI_MCA_btl_vader_single_copy_mechanism=none
# One-sided MPI windows (the tile farm's counter) between nodes: Open MPI 4.1's
# osc/rdma cannot run over TCP and Debian's openmpi-mca-params.conf disables
# the osc/pt2pt fallback, so name the components (sm on one node, rdma on RDMA
# networks, pt2pt otherwise). A value already set is kept.
export OMPI_MCA_osc=${OMPI_MCA_osc:-sm,rdma,pt2pt}
# One machine, no HPC fabric: Open MPI's default point-to-point layer first
# probes for one (pml cm / ucx: about 0.2 s per process start, measured in
# docs/performance.md, "Start-up"). ob1 over shared memory (vader) or TCP is
# what it picks in the end here. A value already set is kept.
export OMPI_MCA_pml=${OMPI_MCA_pml:-ob1}
