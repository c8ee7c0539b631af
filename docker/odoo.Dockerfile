# The official Odoo 19 image plus the Python packages our addons need.
FROM odoo:19
USER root
COPY requirements.txt requirements-odoo-addons.txt /tmp/purchase-forecast/
# OCA queue_job from its PyPI wheel, without its odoo==19.0 pin (Odoo is the image's own); it
# lands in /usr/local/lib/python3*/dist-packages/odoo/addons, which odoo.conf's addons_path names
RUN pip3 install --no-cache-dir --break-system-packages -r /tmp/purchase-forecast/requirements.txt \
    && pip3 install --no-cache-dir --break-system-packages --no-deps \
        -r /tmp/purchase-forecast/requirements-odoo-addons.txt \
    && rm -r /tmp/purchase-forecast
COPY docker/odoo-entrypoint.sh /usr/local/bin/purchase-forecast-entrypoint.sh
USER odoo
ENTRYPOINT ["/usr/local/bin/purchase-forecast-entrypoint.sh"]
CMD ["odoo"]
