"""What monitoring tools send: verified and parsed into ``domain.alerts.Event``s. No web framework
and no database here: the API hands in bytes, the services store what comes out."""
