"""A Sentinel-1 SAFE annotation set made whole for tests: the bundled product has
no measurement image, so copy_product() copies it (writable) and
write_measurement() makes the measurement its manifest names: a sparse tiled
UInt16 GeoTIFF of the annotation's full size holding made-up digital numbers
in one window (the rest 0, the GRD border fill). Used by rs_sarcal_check.py
and rs_sargeo_check.py."""
import os
import re
import shutil
import xml.etree.ElementTree as ET

from osgeo import gdal


class Product:
    def __init__(self, safe):
        self.safe = safe
        manifest = open(os.path.join(safe, "manifest.safe")).read()

        def href(pattern):
            return [h for h in re.findall(pattern, manifest) if "-vv-" in h][0]

        self.measurement = href(r'href="\./(measurement/[^"]+)"')
        self.annotation = href(r'href="\./(annotation/[^"/]+\.xml)"')
        self.calibration = href(r'href="\./(annotation/calibration/calibration-[^"]+)"')
        self.noise = href(r'href="\./(annotation/calibration/noise-[^"]+)"')
        a = ET.parse(self.path(self.annotation)).getroot()
        self.nx = int(a.find("imageAnnotation/imageInformation/numberOfSamples").text)
        self.ny = int(a.find("imageAnnotation/imageInformation/numberOfLines").text)

    def path(self, rel):
        return os.path.join(self.safe, rel)

    def write_measurement(self, x0, y0, dn):
        """dn (UInt16 array) at pixels x0.., lines y0..; 0 elsewhere."""
        os.makedirs(self.path("measurement"), exist_ok=True)
        d = gdal.GetDriverByName("GTiff").Create(self.path(self.measurement), self.nx, self.ny, 1, gdal.GDT_UInt16,
                                                 ["TILED=YES", "SPARSE_OK=TRUE", "COMPRESS=DEFLATE"])
        d.GetRasterBand(1).WriteRaster(x0, y0, dn.shape[1], dn.shape[0], dn.tobytes())
        d = None


def copy_product(src, out):
    """Copy the SAFE directory src into a fresh out (removed first), writable."""
    safe = os.path.join(out, os.path.basename(src.rstrip("/")))
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(src, safe)
    for root, dirs, files in os.walk(safe):
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
    return Product(safe)
