"""Cases and disposal (案件处置): the ten-step procedure, measures, the criminal path, documents."""
