"""The demo partnership as plain tables: who and what the demo is made of, with every date
counted from today. The loaders beside this package make the tables real through the use cases
(tas.demo.loading); nothing here reads or writes the database."""
