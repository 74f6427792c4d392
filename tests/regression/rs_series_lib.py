"""Helpers shared by the rs time-series checks (trend, fvc, drought)."""
import numpy as np
from osgeo import gdal


def read(path):
    """Band 1 of path as float64 with its declared nodata (if any) as NaN."""
    ds = gdal.Open(path)  # keep the dataset alive while its band is read
    b = ds.GetRasterBand(1)
    a = b.ReadAsArray().astype(np.float64)
    nd = b.GetNoDataValue()
    return np.where(a == nd, np.nan, a) if nd is not None and not np.isnan(nd) else a
