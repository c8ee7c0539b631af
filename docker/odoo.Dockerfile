# The official Odoo 19 image plus the Python packages our addons need.
FROM odoo:19
USER root
COPY requirements.txt /tmp/purchase-forecast-requirements.txt
RUN pip3 install --no-cache-dir --break-system-packages -r /tmp/purchase-forecast-requirements.txt \
    && rm /tmp/purchase-forecast-requirements.txt
COPY docker/odoo-entrypoint.sh /usr/local/bin/purchase-forecast-entrypoint.sh
USER odoo
ENTRYPOINT ["/usr/local/bin/purchase-forecast-entrypoint.sh"]
CMD ["odoo"]
