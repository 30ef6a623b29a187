# Topics, questions, practice sessions and review cards arrive with the question bank.
