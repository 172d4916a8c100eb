"""Installs the driver next to Cinder (metadata in setup.cfg):
``pip install --no-deps --no-build-isolation cinder-backend/``."""
import setuptools

setuptools.setup()
