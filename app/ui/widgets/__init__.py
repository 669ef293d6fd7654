"""Small widgets the billing pages share: amounts, chips, pickers, line editors, footers."""
