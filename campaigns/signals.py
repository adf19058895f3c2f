from django.dispatch import Signal

# Sent by ``campaign_year_create`` once a new year and its phases exist, inside the transaction,
# with ``campaign_year``. Apps connect a receiver that creates the year's defaults they own (in
# their ``AppConfig.ready``); names are stored as ``gettext_noop`` keys, translated on display.
campaign_year_created = Signal()
