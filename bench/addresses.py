"""French streets and cities the benchmarks give their customers (bench/import
and bench/export share them)."""

STREETS = ("rue des Lilas", "avenue Jean-Jaurès", "boulevard Saint-Germain",
           "place de l'Église", "chemin des Écoliers", "rue de la Paix", "impasse des Peupliers",
           "allée des Châtaigniers", "rue du Général-de-Gaulle", "quai de la Rapée",
           "route de Nîmes", "rue Émile-Zola", "rue Pasteur", "avenue Foch",
           "rue de l'Hôtel-de-Ville", "rue Sainte-Thérèse", "cours Mirabeau",
           "rue des Trois-Frères", "sentier du Moulin", "rue Aristide-Briand")
CITIES = (("75011", "Paris"), ("69003", "Lyon"), ("13006", "Marseille"), ("25000", "Besançon"),
          ("45000", "Orléans"), ("30000", "Nîmes"), ("16000", "Angoulême"),
          ("42000", "Saint-Étienne"), ("56300", "Pontivy"), ("29200", "Brest"),
          ("67000", "Strasbourg"), ("33000", "Bordeaux"), ("59000", "Lille"),
          ("35000", "Rennes"), ("64200", "Biarritz"), ("73000", "Chambéry"),
          ("97400", "Saint-Denis"), ("21000", "Dijon"), ("87000", "Limoges"),
          ("74000", "Annecy"))
