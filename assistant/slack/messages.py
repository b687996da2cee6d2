"""Short replies the Slack door gives in its own words (answers and summaries come from the core).

The longer help text is ``prompts/slack_help.txt``. None of these may quote what the user typed.
"""

UNEXPECTED = ("Sorry, something went wrong on my side and I could not finish that. Please try again; if it keeps "
              "happening, tell the team that runs the Partnership Assistant.")
NOT_AN_OFFICER = ("Sorry, only the partnership's policy officers can change or list the knowledge base. If a "
                  "document needs adding or updating, please send it to a policy officer.")
RELOADING = ":hourglass_flowing_sand: Reloading the knowledge base from its folder. I will post the summary here."
ADDING_FILES = ":hourglass_flowing_sand: Adding {count} and reloading the knowledge base. I will post the summary here."
REFERRAL_COMING = ("Referral look-up is coming soon. Until then, ask me in words, e.g. "
                   "`/partnership ask how do I refer to MARAC?`, and I will cite the pathway document.")
ESCALATE_COMING = ("Escalation routing is coming soon. Until then, ask me in words, e.g. "
                   "`/partnership ask who is level 2 for a domestic abuse stuck case?`, and I will cite the protocol.")
EMPTY_ASK = "Please add your question after `ask`, e.g. `/partnership ask what does DARDR stand for?`"
UNKNOWN_COMMAND = "I don't know that one. Here is what I can do:"
FEEDBACK_THANKS = "Thanks for the feedback."
ESCALATION_RESOLVED = ":white_check_mark: {reference} is resolved; the outcome is in its history."
