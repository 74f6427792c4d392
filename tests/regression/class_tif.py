"""class_tif.py — write a small tiled GeoTIFF of a class (or float) array for the rs tests:
write_tif(path, a, gt, epsg, dtype=Byte, nodata=255). Imported by the *_setup.py scripts."""
from osgeo import gdal, osr


def write_tif(path, a, gt, epsg, dtype=gdal.GDT_Byte, nodata=255.0):
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    ds = gdal.GetDriverByName("GTiff").Create(path, a.shape[1], a.shape[0], 1, dtype,
                                              ["TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32"])
    ds.SetGeoTransform(gt)
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).SetNoDataValue(nodata)
    ds.GetRasterBand(1).WriteArray(a)
    ds = None
